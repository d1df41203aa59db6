using System.Net;
using System.Text.RegularExpressions;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Hosting;

public partial class StaticFilesTests
{
    [Fact]
    public async Task Hashed_assets_are_compressed_and_cached_and_index_is_revalidated()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var handler = new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None };
        using var client = new HttpClient(handler) { BaseAddress = server.BaseAddress };
        using var index = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("no-cache", index.Headers.CacheControl?.ToString());
        var script = ScriptPath().Match(await index.Content.ReadAsStringAsync());
        Assert.True(script.Success, "index.html references no /assets/*.js (was the UI built into wwwroot?)");

        using var request = new HttpRequestMessage(HttpMethod.Get, script.Value);
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using var asset = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Contains(asset.Content.Headers.ContentEncoding, e => e is "br" or "gzip");
        Assert.Contains("immutable", asset.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("/assets/[A-Za-z0-9_.-]+\\.js")]
    private static partial Regex ScriptPath();
}
