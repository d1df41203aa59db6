using System.Net;
using System.Text;
using WebDiffusion.Server.Tests.Security;

namespace WebDiffusion.Server.Tests.Hosting;

/// <summary>
/// Serilog's request logging writes one structured line per answered request to the log file: method, path, status,
/// time, client and user name — and never a credential, cookie or query string.
/// </summary>
public sealed class RequestLoggingTests
{
    [Fact]
    public async Task Each_request_is_logged_once_structured_with_its_status_and_no_secret_reaches_the_file()
    {
        const string WrongPassword = "Wr0ng-Guess-Pelican-31";
        const string QuerySecret = "token-in-a-query-7f3a";
        await using var server = await SecurityServer.WithAuthAsync();
        var cookies = new CookieContainer();
        using var browser = server.CreateClient(cookies);
        using (var login = new HttpRequestMessage(HttpMethod.Post, "/login"))
        {
            login.Content = SecurityServer.JsonContent($$"""{"username":"{{SecurityServer.User}}","password":"{{SecurityServer.Password}}"}""");
            login.Headers.Add("Origin", server.Origin);
            using var signedIn = await browser.SendAsync(login);
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        var cookieValues = cookies.GetAllCookies().Select(c => c.Value).Where(v => v.Length >= 16).ToList();
        Assert.NotEmpty(cookieValues);

        using (var put = new HttpRequestMessage(HttpMethod.Put, "/api/settings?key=" + QuerySecret))
        {
            put.Content = SecurityServer.JsonContent("""{"defaultSteps":23}""");
            put.Headers.Add("Origin", server.Origin);
            using var changed = await browser.SendAsync(put);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/system"))
        {
            wrong.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, WrongPassword);
            using var refused = await server.Client.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var lines = await WaitForLinesAsync(server, "responded 401", "HTTP PUT /api/settings responded 200");

        var put200 = Assert.Single(lines, l => l.Contains("HTTP PUT /api/settings responded 200", StringComparison.Ordinal));
        Assert.Contains("[INF]", put200, StringComparison.Ordinal);
        Assert.Contains("\"UserName\":\"" + SecurityServer.User + "\"", put200, StringComparison.Ordinal);
        Assert.Contains("\"ClientAddress\":\"127.0.0.1\"", put200, StringComparison.Ordinal);
        Assert.Contains("\"RequestId\":", put200, StringComparison.Ordinal);

        var refusedLine = Assert.Single(lines, l => l.Contains("HTTP GET /api/system responded 401", StringComparison.Ordinal));
        Assert.Contains("[WRN]", refusedLine, StringComparison.Ordinal);
        Assert.Contains("\"UserName\":null", refusedLine, StringComparison.Ordinal);
        Assert.Single(lines, l => l.Contains("HTTP POST /login responded 200", StringComparison.Ordinal));

        var all = string.Join('\n', lines);
        foreach (var secret in new[] { SecurityServer.Password, WrongPassword, QuerySecret }.Concat(cookieValues))
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(SecurityServer.User + ":" + WrongPassword)), all, StringComparison.Ordinal);
        var requestLines = string.Join('\n', lines.Where(l => l.Contains("RequestLoggingMiddleware", StringComparison.Ordinal)));
        Assert.Contains("HTTP PUT", requestLines, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization", requestLines, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Cookie", requestLines, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Header", requestLines, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("GET", 200, "Debug")]
    [InlineData("HEAD", 304, "Debug")]
    [InlineData("POST", 202, "Information")]
    [InlineData("DELETE", 204, "Information")]
    [InlineData("GET", 404, "Warning")]
    [InlineData("POST", 429, "Warning")]
    [InlineData("GET", 500, "Error")]
    public void Request_levels_keep_polling_out_of_the_default_log_and_refusals_in(string method, int status, string level)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = method;
        context.Response.StatusCode = status;
        Assert.Equal(level, WebDiffusion.Server.Hosting.LoggingExtensions.RequestLevel(context, 1.0, null).ToString());
    }

    [Fact]
    public void A_request_that_threw_is_an_error_whatever_its_status()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = "GET";
        context.Response.StatusCode = 200;
        Assert.Equal("Error", WebDiffusion.Server.Hosting.LoggingExtensions.RequestLevel(context, 1.0, new InvalidOperationException("boom")).ToString());
    }

    private static async Task<List<string>> WaitForLinesAsync(SecurityServer server, params string[] needles)
    {
        // The middleware writes its line after the response has gone out: wait for it briefly.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var lines = server.ReadLogs().Split('\n').ToList();
            if (needles.All(n => lines.Any(l => l.Contains(n, StringComparison.Ordinal))) || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(50);
        }
    }
}
