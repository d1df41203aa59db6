using System.Net;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.Tests.Security;

public class OpenRedirectTests
{
    public static TheoryData<string> Foreign => new()
    {
        "//evil.example",
        "//evil.example/path",
        "https://evil.example",
        "http://evil.example/login",
        "/\\evil.example",
        "\\\\evil.example",
        "/%09/evil.example".Replace("%09", "\t", StringComparison.Ordinal),
        "javascript:alert(1)",
        "evil.example",
    };

    [Theory]
    [MemberData(nameof(Foreign))]
    public void Foreign_return_urls_are_not_local(string url)
    {
        Assert.False(LocalUrl.IsLocal(url));
        Assert.Equal("/", LocalUrl.OrRoot(url));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/gallery?page=2")]
    [InlineData("/api/images/abc")]
    public void Paths_on_this_server_are_local(string url) => Assert.True(LocalUrl.IsLocal(url));

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("/\\evil.example")]
    public async Task Signing_in_never_redirects_to_another_host(string returnUrl)
    {
        await using var server = await SecurityServer.WithAuthAsync();
        using var browser = server.CreateClient(new CookieContainer());

        using var page = await browser.GetAsync(new Uri("/login?returnUrl=" + Uri.EscapeDataString(returnUrl), UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("evil.example", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var form = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = SecurityServer.User,
                ["password"] = SecurityServer.Password,
                ["returnUrl"] = returnUrl,
            }),
        };
        form.Headers.Add("Origin", server.Origin);
        using var login = await browser.SendAsync(form);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);

        // Already signed in: GET /login forwards to the return URL, still only a local one.
        using var again = await browser.GetAsync(new Uri("/login?returnUrl=" + Uri.EscapeDataString(returnUrl), UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("/", again.Headers.Location?.OriginalString);
    }
}
