using System.Globalization;
using System.Net;
using System.Text;

namespace WebDiffusion.Server.Tests.Security;

public class LimitsTests
{
    [Fact]
    public async Task A_body_over_max_body_bytes_is_413_with_or_without_content_length()
    {
        await using var server = await SecurityServer.StartAsync(settings: new Dictionary<string, string?> { ["WebDiffusion:Limits:MaxBodyBytes"] = "4096" });
        var big = "{\"x\":\"" + new string('a', 16 * 1024) + "\"}";

        using var sized = await server.Client.PutAsync(new Uri("/api/settings", UriKind.Relative), new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, sized.StatusCode);

        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/settings") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);

        using var small = await server.Client.PutAsync(new Uri("/api/settings", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, small.StatusCode);
    }

    [Fact]
    public async Task The_per_client_rate_limit_answers_429_with_retry_after_on_the_api_only()
    {
        await using var server = await SecurityServer.WithAuthAsync(new Dictionary<string, string?>
        {
            ["WebDiffusion:RateLimit:PermitLimit"] = "5",
            ["WebDiffusion:RateLimit:WindowSeconds"] = "60",
        });
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await GetAsBasicAsync(server, "/api/system"));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/system");
        request.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, SecurityServer.Password);
        using var limited = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture), 1, 60);

        Assert.Equal(HttpStatusCode.OK, await GetAsBasicAsync(server, "/health"));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await GetAsBasicAsync(server, "/"));
    }

    [Fact]
    public async Task Image_reads_are_not_counted_so_a_big_batch_never_gets_429_for_its_own_pictures()
    {
        await using var server = await SecurityServer.WithAuthAsync(new Dictionary<string, string?>
        {
            ["WebDiffusion:RateLimit:PermitLimit"] = "3",
            ["WebDiffusion:RateLimit:WindowSeconds"] = "60",
        });
        var image = "/api/images/" + new string('a', 32);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, await GetAsBasicAsync(server, image));
        }

        // The listing and everything else still count: three are allowed, the fourth is refused.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await GetAsBasicAsync(server, "/api/images?query=x"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsBasicAsync(server, "/api/system"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsBasicAsync(server, image + "/x"));
        Assert.Equal(HttpStatusCode.NotFound, await GetAsBasicAsync(server, image));
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        await using var server = await SecurityServer.WithAuthAsync();
        foreach (var path in new[] { "/health", "/login", "/api/system", "/" })
        {
            using var response = await server.Client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("img-src 'self' data: blob:", csp, StringComparison.Ordinal);
            Assert.Contains("ws://" + server.BaseAddress.Authority, csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        }
    }

    private static async Task<HttpStatusCode> GetAsBasicAsync(SecurityServer server, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, SecurityServer.Password);
        using var response = await server.Client.SendAsync(request);
        return response.StatusCode;
    }
}
