using System.Globalization;
using System.Net;

namespace WebDiffusion.Server.Tests.Security;

public class BruteForceTests
{
    [Fact]
    public async Task After_ten_failures_in_a_minute_the_address_gets_429_with_retry_after()
    {
        await using var server = await SecurityServer.WithAuthAsync();
        for (var i = 1; i <= 10; i++)
        {
            var status = i % 2 == 0 ? await BasicAsync(server, "wrong-" + i) : await FormLoginAsync(server, "wrong-" + i);
            Assert.True(status == HttpStatusCode.Unauthorized, $"attempt {i}: {status}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/system");
        request.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, "wrong-11");
        using var blocked = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        var retryAfter = int.Parse(Assert.Single(blocked.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);

        // Even the right password waits, on both Basic and the login form.
        Assert.Equal(HttpStatusCode.TooManyRequests, await BasicAsync(server, SecurityServer.Password));
        Assert.Equal(HttpStatusCode.TooManyRequests, await FormLoginAsync(server, SecurityServer.Password));

        // Requests that try no credentials are not throttled by it.
        using var health = await server.Client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var anonymous = await server.Client.GetAsync(new Uri("/api/system", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static async Task<HttpStatusCode> BasicAsync(SecurityServer server, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/system");
        request.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, password);
        using var response = await server.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> FormLoginAsync(SecurityServer server, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = SecurityServer.User, ["password"] = password }),
        };
        request.Headers.Add("Origin", server.Origin);
        using var response = await server.Client.SendAsync(request);
        return response.StatusCode;
    }
}
