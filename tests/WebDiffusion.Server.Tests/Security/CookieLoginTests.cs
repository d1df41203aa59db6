using System.Net;

namespace WebDiffusion.Server.Tests.Security;

public class CookieLoginTests
{
    [Fact]
    public async Task A_browser_navigation_without_a_session_is_sent_to_the_login_page()
    {
        await using var server = await SecurityServer.WithAuthAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/gallery?page=2");
        request.Headers.Add("Accept", "text/html");
        request.Headers.Add("Sec-Fetch-Mode", "navigate");
        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=%2Fgallery%3Fpage%3D2", response.Headers.Location?.OriginalString);

        using var root = await server.Client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.StartsWith("/login?returnUrl=", root.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_login_form_sets_a_strict_httponly_cookie_that_opens_the_api_and_the_hub()
    {
        await using var server = await SecurityServer.WithAuthAsync();
        var cookies = new CookieContainer();
        using var browser = server.CreateClient(cookies);

        using var form = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = SecurityServer.User,
                ["password"] = SecurityServer.Password,
                ["returnUrl"] = "/gallery",
            }),
        };
        form.Headers.Add("Origin", server.Origin);
        using var login = await browser.SendAsync(form);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/gallery", login.Headers.Location?.OriginalString);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("WebDiffusion.Auth=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie.Replace("samesite", string.Empty, StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);

        using var system = await browser.GetAsync(new Uri("/api/system", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, system.StatusCode);
        Assert.Contains("\"authEnabled\":true", await system.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var page = await browser.GetAsync(new Uri("/", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.Redirect, page.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, page.StatusCode);

        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(browser));
        Assert.Equal(HttpStatusCode.Unauthorized, await NegotiateAsync(server.Client));
    }

    [Fact]
    public async Task Logout_ends_the_session()
    {
        await using var server = await SecurityServer.WithAuthAsync();
        using var browser = await server.SignedInClientAsync();
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/logout");
        logout.Headers.Add("Origin", server.Origin);
        using var response = await browser.SendAsync(logout);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        using var system = await browser.GetAsync(new Uri("/api/system", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, system.StatusCode);
    }

    [Fact]
    public async Task Wrong_credentials_are_401_on_the_form_the_json_login_and_basic()
    {
        await using var server = await SecurityServer.WithAuthAsync();
        using var browser = server.CreateClient(new CookieContainer());

        using var json = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = SecurityServer.JsonContent($$"""{"username":"{{SecurityServer.User}}","password":"wrong"}"""),
        };
        json.Headers.Add("Origin", server.Origin);
        using var jsonResponse = await browser.SendAsync(json);
        Assert.Equal(HttpStatusCode.Unauthorized, jsonResponse.StatusCode);
        Assert.False(jsonResponse.Headers.Contains("Set-Cookie"));

        using var form = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "mallory", ["password"] = SecurityServer.Password }),
        };
        form.Headers.Add("Origin", server.Origin);
        using var formResponse = await browser.SendAsync(form);
        Assert.Equal(HttpStatusCode.Unauthorized, formResponse.StatusCode);
        Assert.Contains("用户名或密码错误", await formResponse.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var basic = new HttpRequestMessage(HttpMethod.Get, "/api/system");
        basic.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, "wrong");
        using var basicResponse = await server.Client.SendAsync(basic);
        Assert.Equal(HttpStatusCode.Unauthorized, basicResponse.StatusCode);

        using var good = new HttpRequestMessage(HttpMethod.Get, "/api/system");
        good.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, SecurityServer.Password);
        using var goodResponse = await server.Client.SendAsync(good);
        Assert.Equal(HttpStatusCode.OK, goodResponse.StatusCode);
    }

    private static async Task<HttpStatusCode> NegotiateAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/progress/negotiate?negotiateVersion=1");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
