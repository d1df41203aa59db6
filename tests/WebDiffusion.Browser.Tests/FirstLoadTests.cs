using System.IO.Compression;
using System.Text.Json;
using Microsoft.Playwright;
using WebDiffusion.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace WebDiffusion.Browser.Tests;

/// <summary>Logs the production bundle's size and the first load on loopback (measured, never asserted as a time).</summary>
public class FirstLoadTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public void Bundle_size_is_logged()
    {
        var assets = Path.Combine(RepositoryRoot.Path, "wwwroot", "assets");
        Assert.True(Directory.Exists(assets), "wwwroot/assets is missing: run `npm run build` in src/webui");
        long raw = 0;
        long gzip = 0;
        foreach (var file in Directory.EnumerateFiles(assets).Where(f => f.EndsWith(".js", StringComparison.Ordinal) || f.EndsWith(".css", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var bytes = File.ReadAllBytes(file);
            var zipped = GzipLength(bytes);
            raw += bytes.Length;
            gzip += zipped;
            output.WriteLine($"{Path.GetFileName(file),-40} {bytes.Length / 1024.0,8:F1} KiB  gzip {zipped / 1024.0,7:F1} KiB");
        }

        output.WriteLine($"{"total JS+CSS",-40} {raw / 1024.0,8:F1} KiB  gzip {gzip / 1024.0,7:F1} KiB");
        Assert.True(gzip > 0);
    }

    [Fact]
    public async Task First_load_on_loopback_is_logged()
    {
        var samples = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            // A fresh context each time: an empty cache, as on a person's first visit.
            await fixture.WithPageAsync(nameof(First_load_on_loopback_is_logged), async (page, errors) =>
            {
                await page.GotoAsync(fixture.Server.BaseAddress.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Load });
                await page.GetByTestId("generate").WaitForAsync();
                var timing = await page.EvaluateAsync<JsonElement>(
                    """
                    () => {
                      const n = performance.getEntriesByType('navigation')[0];
                      const paint = performance.getEntriesByName('first-contentful-paint')[0];
                      const res = performance.getEntriesByType('resource');
                      return {
                        load: n.loadEventEnd - n.startTime,
                        domContentLoaded: n.domContentLoadedEventEnd - n.startTime,
                        fcp: paint ? paint.startTime : -1,
                        transferred: res.reduce((s, r) => s + (r.transferSize || 0), n.transferSize || 0),
                        resources: res.length,
                      };
                    }
                    """);
                var load = timing.GetProperty("load").GetDouble();
                samples.Add(load);
                output.WriteLine(
                    $"load {load:F0} ms, DOMContentLoaded {timing.GetProperty("domContentLoaded").GetDouble():F0} ms, first contentful paint {timing.GetProperty("fcp").GetDouble():F0} ms, " +
                    $"{timing.GetProperty("transferred").GetDouble() / 1024:F0} KiB over {timing.GetProperty("resources").GetInt32()} requests");
                Assert.True(load > 0);
                Assert.Empty(errors);
            });
        }

        // How the assets travel (compression and caching matter once the UI is reached over a network, not on loopback).
        var index = await fixture.Server.Client.GetStringAsync(string.Empty);
        var script = System.Text.RegularExpressions.Regex.Match(index, "src=\"(/assets/[^\"]+\\.js)\"").Groups[1].Value;
        using (var request = new HttpRequestMessage(HttpMethod.Get, script.TrimStart('/')))
        {
            request.Headers.AcceptEncoding.ParseAdd("gzip, br");
            using var response = await fixture.Server.Client.SendAsync(request);
            output.WriteLine($"{script}: {(int)response.StatusCode}, Content-Encoding: {string.Join(",", response.Content.Headers.ContentEncoding)}, " +
                $"Cache-Control: {response.Headers.CacheControl}, {(await response.Content.ReadAsByteArrayAsync()).Length / 1024} KiB on the wire");
        }

        samples.Sort();
        output.WriteLine($"first load (navigation start → load event), median of {samples.Count}: {samples[samples.Count / 2]:F0} ms");
    }

    private static long GzipLength(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var zip = new GZipStream(memory, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            zip.Write(bytes);
        }

        return memory.Length;
    }
}
