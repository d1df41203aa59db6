using System.Net;
using System.Text;
using System.Text.Json;

namespace WebDiffusion.Server.Tests.Security;

/// <summary>Passwords never come back out: not in /api/system, not in the log files.</summary>
public class SecretsTests
{
    [Fact]
    public async Task Neither_the_system_endpoint_nor_the_log_file_contains_a_password()
    {
        const string WrongPassword = "Wr0ng-Guess-Zebra-77";
        await using var server = await SecurityServer.WithAuthAsync();

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/system"))
        {
            request.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, WrongPassword);
            using var wrong = await server.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var form = new HttpRequestMessage(HttpMethod.Post, "/login"))
        {
            form.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = SecurityServer.User, ["password"] = WrongPassword });
            form.Headers.Add("Origin", server.Origin);
            using var failed = await server.Client.SendAsync(form);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var browser = await server.SignedInClientAsync();
        var system = await browser.GetStringAsync(new Uri("/api/system", UriKind.Relative));
        Assert.DoesNotContain(SecurityServer.Password, system, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(system))
        {
            Assert.True(json.RootElement.GetProperty("authEnabled").GetBoolean());
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/system"))
        {
            request.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, SecurityServer.Password);
            using var ok = await server.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var logs = server.ReadLogs();
        Assert.Contains("Failed sign-in from", logs, StringComparison.Ordinal);
        Assert.Contains("Authentication is on for 1 account(s)", logs, StringComparison.Ordinal);
        foreach (var secret in new[] { SecurityServer.Password, WrongPassword })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(SecurityServer.User + ":" + secret)), logs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Listen_with_insecure_no_auth_starts_open_and_warns_loudly()
    {
        await using var server = await SecurityServer.StartAsync(["--listen", "--insecure-no-auth"]);
        using var json = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/system", UriKind.Relative)));
        Assert.False(json.RootElement.GetProperty("authEnabled").GetBoolean());
        Assert.True(json.RootElement.GetProperty("listen").GetBoolean());

        // Exposed on purpose: requests addressed to a public name are served (no loopback Host guard).
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/system");
        request.Headers.Host = "gpu-box.example:7860";
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var warning = server.ReadLogs().Split('\n').SingleOrDefault(l => l.Contains("WITHOUT AUTHENTICATION", StringComparison.Ordinal));
        Assert.NotNull(warning);
        Assert.Contains("[WRN]", warning, StringComparison.Ordinal);
        Assert.Contains("--insecure-no-auth", warning, StringComparison.Ordinal);
    }
}
