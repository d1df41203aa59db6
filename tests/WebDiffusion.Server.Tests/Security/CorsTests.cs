using System.Net;

namespace WebDiffusion.Server.Tests.Security;

public class CorsTests
{
    [Fact]
    public async Task Without_configured_origins_a_preflight_gets_no_allow_origin()
    {
        await using var server = await SecurityServer.StartAsync();
        using var response = await PreflightAsync(server, "https://app.example");
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Only_configured_origins_are_allowed_even_with_authentication_on()
    {
        await using var server = await SecurityServer.StartAsync(
            ["--api-auth", SecurityServer.User + ":" + SecurityServer.Password, "--cors-allow-origins", "https://app.example,http://localhost:5173"]);

        using var allowed = await PreflightAsync(server, "https://app.example");
        Assert.True(allowed.IsSuccessStatusCode, allowed.StatusCode.ToString());
        Assert.Equal("https://app.example", Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));

        using var other = await PreflightAsync(server, "https://evil.example");
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));

        // The allowed origin may write with Basic credentials; another origin may not.
        Assert.Equal(HttpStatusCode.NotFound, await CrossOriginPostAsync(server, "https://app.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await CrossOriginPostAsync(server, "https://evil.example"));
    }

    private static async Task<HttpResponseMessage> PreflightAsync(SecurityServer server, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/system");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await server.Client.SendAsync(request);
    }

    private static async Task<HttpStatusCode> CrossOriginPostAsync(SecurityServer server, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs/0123456789abcdef0123456789abcdef/cancel");
        request.Headers.Add("Origin", origin);
        request.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, SecurityServer.Password);
        using var response = await server.Client.SendAsync(request);
        return response.StatusCode;
    }
}
