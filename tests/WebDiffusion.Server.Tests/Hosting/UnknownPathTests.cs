using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Hosting;

/// <summary>
/// Clients probe extensions by status code (webuiapi's ControlNetInterface GETs /controlnet/version and /controlnet/model_list,
/// SillyTavern and extensions try /internal/* and /agent-scheduler/*): an unknown path is 404, never the SPA page with 200.
/// </summary>
public class UnknownPathTests
{
    [Theory]
    [InlineData("GET", "/controlnet/version")]
    [InlineData("GET", "/controlnet/model_list")]
    [InlineData("POST", "/controlnet/detect")]
    [InlineData("GET", "/internal/ping")]
    [InlineData("POST", "/internal/progress")]
    [InlineData("GET", "/agent-scheduler/v1/queue")]
    [InlineData("GET", "/sdapi/v1/no-such-route")]
    [InlineData("GET", "/tagger/v1/interrogators")]
    public async Task Api_looking_unknown_paths_are_404_json_in_A1111s_shape(string method, string path)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        // Even when the client says it takes HTML too (python-requests sends */*; browsers' fetch may name text/html).
        request.Headers.Accept.ParseAdd("*/*");
        using var response = await server.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(text);
        Assert.Equal("Not Found", doc.RootElement.GetProperty("detail").GetString());
        Assert.Equal("Not Found", doc.RootElement.GetProperty("error").GetString());
        Assert.Contains(path, doc.RootElement.GetProperty("errors").GetProperty("path")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_browser_on_an_unknown_page_gets_a_404_page_and_the_ui_stays_at_the_root()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var unknown = new HttpRequestMessage(HttpMethod.Get, "/some/old/bookmark");
        unknown.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var page = await server.Client.SendAsync(unknown);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("href=\"/\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/assets/", html, StringComparison.Ordinal);

        // A browser asking for an API path still gets JSON.
        using var api = new HttpRequestMessage(HttpMethod.Get, "/internal/sysinfo");
        api.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var apiResponse = await server.Client.SendAsync(api);
        Assert.Equal(HttpStatusCode.NotFound, apiResponse.StatusCode);
        Assert.Equal("application/json", apiResponse.Content.Headers.ContentType?.MediaType);

        foreach (var root in new[] { "/", "/?tab=gallery", "/index.html" })
        {
            using var index = await server.Client.GetAsync(new Uri(root, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, index.StatusCode);
            Assert.Contains("/assets/", await index.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var missingFile = await server.Client.GetAsync(new Uri("/assets/no-such-bundle.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missingFile.StatusCode);
    }
}
