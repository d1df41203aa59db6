using System.Net;
using System.Net.WebSockets;

namespace WebDiffusion.Server.Tests.Security;

/// <summary>Cross-site writes are refused; the server's own pages and Basic-auth scripts are not.</summary>
public class CsrfTests
{
    // A well-formed job id that does not exist: a request that passes every guard ends in 404 "No such job".
    private const string CancelPath = "/api/jobs/0123456789abcdef0123456789abcdef/cancel";

    [Fact]
    public async Task A_cookie_authenticated_post_from_another_origin_is_403()
    {
        await using var server = await SecurityServer.WithAuthAsync();
        using var browser = await server.SignedInClientAsync();

        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(browser, ("Origin", "http://evil.example")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(browser, ("Origin", "null")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(browser, ("Referer", "http://evil.example/page")));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(browser, ("Sec-Fetch-Site", "cross-site")));

        // No Origin, no Referer, no custom header: refused for a cookie session (a form on another site looks like this).
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(browser));

        // The server's own page and script clients pass the guard (and reach the endpoint: 404 no such job).
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(browser, ("Origin", server.Origin)));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(browser, ("Referer", server.Origin + "/gallery")));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(browser, ("X-Requested-With", "XMLHttpRequest")));
    }

    [Fact]
    public async Task Basic_auth_scripts_without_origin_are_not_affected()
    {
        await using var server = await SecurityServer.WithAuthAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, CancelPath);
        request.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, SecurityServer.Password);
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Without_authentication_the_loopback_server_refuses_cross_site_writes_and_rebound_hosts()
    {
        await using var server = await SecurityServer.StartAsync();
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(server.Client, ("Origin", "http://evil.example")));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(server.Client, ("Origin", server.Origin)));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(server.Client));

        // DNS rebinding: evil.example resolved to 127.0.0.1 sends Host: evil.example.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/system");
        rebound.Headers.Host = "evil.example";
        using var response = await server.Client.SendAsync(rebound);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        using var local = new HttpRequestMessage(HttpMethod.Get, "/api/system");
        local.Headers.Host = "localhost:" + server.BaseAddress.Port;
        using var localResponse = await server.Client.SendAsync(local);
        Assert.Equal(HttpStatusCode.OK, localResponse.StatusCode);
    }

    [Fact]
    public async Task A_cross_origin_websocket_handshake_to_the_hub_is_refused()
    {
        await using var server = await SecurityServer.StartAsync();
        var hub = new UriBuilder(server.BaseAddress) { Scheme = "ws", Path = "/hubs/progress" }.Uri;

        using var evil = new ClientWebSocket();
        evil.Options.SetRequestHeader("Origin", "http://evil.example");
        evil.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => evil.ConnectAsync(hub, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, evil.HttpStatusCode);

        using var own = new ClientWebSocket();
        own.Options.SetRequestHeader("Origin", server.Origin);
        await own.ConnectAsync(hub, CancellationToken.None);
        Assert.Equal(WebSocketState.Open, own.State);
        await own.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, CancelPath);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
