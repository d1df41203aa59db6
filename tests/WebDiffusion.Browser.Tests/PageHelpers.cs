using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace WebDiffusion.Browser.Tests;

/// <summary>Small steps a person takes on the page, shared by the flow tests.</summary>
internal static class PageHelpers
{
    /// <summary>The panel of a top-level tab (only the active tab's panel is rendered).</summary>
    public static ILocator Panel(this IPage page, string tab) => page.GetByTestId("panel-" + tab);

    /// <summary>Types a number into the numeric box of a labelled slider field (the field's wrapper carries the test id).</summary>
    public static async Task SetFieldAsync(this ILocator panel, string testId, int value)
    {
        var input = panel.Locator($"[data-testid={testId}] input").First;
        await input.FillAsync(value.ToString(CultureInfo.InvariantCulture));
        await input.PressAsync("Tab");
        await Assertions.Expect(input).ToHaveValueAsync(value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Types into a Naive UI input whose inner &lt;input&gt; carries the test id.</summary>
    public static async Task SetInputAsync(this ILocator panel, string testId, string value)
    {
        var input = panel.GetByTestId(testId);
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    /// <summary>True once an &lt;img&gt; has loaded a non-empty image.</summary>
    public static Task<bool> IsLoadedImageAsync(this ILocator image) =>
        image.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0");

    /// <summary>Waits until an &lt;img&gt; has loaded a non-empty image.</summary>
    public static async Task ExpectLoadedImageAsync(this ILocator image)
    {
        await Assertions.Expect(image).ToBeVisibleAsync();
        // Polls rather than awaiting img.decode(): that rejects when the page swaps the src (preview → result) mid-decode.
        var loaded = await image.EvaluateAsync<bool>(
            """
            img => new Promise(resolve => {
              const deadline = Date.now() + 15000;
              const check = () => {
                if (img.complete && img.naturalWidth > 0) resolve(true);
                else if (Date.now() > deadline) resolve(false);
                else setTimeout(check, 50);
              };
              check();
            })
            """);
        Assert.True(loaded, "the image did not load: " + await image.GetAttributeAsync("src"));
    }

    /// <summary>The id in an image URL <c>/api/images/{id}</c>.</summary>
    public static string ImageIdFromSrc(string src)
    {
        var path = new Uri(new Uri("http://x"), src).AbsolutePath;
        const string prefix = "/api/images/";
        Assert.StartsWith(prefix, path, StringComparison.Ordinal);
        return Uri.UnescapeDataString(path[prefix.Length..]);
    }

    /// <summary>Waits for the progress bar of a panel to reach a terminal state and returns it.</summary>
    public static async Task<string> WaitForJobEndAsync(this ILocator panel, float timeoutMs = 60_000)
    {
        var progress = panel.GetByTestId("progress");
        await Assertions.Expect(progress).ToHaveAttributeAsync("data-state", new System.Text.RegularExpressions.Regex("^(done|failed|cancelled|interrupted)$"), new() { Timeout = timeoutMs });
        return await progress.GetAttributeAsync("data-state") ?? string.Empty;
    }

    /// <summary>
    /// Installs a recorder in the page that notes, on every DOM change inside <paramref name="panelTestId"/>, the progress value,
    /// each new preview src, and the bounding boxes of the output box and of the image shown in it.
    /// </summary>
    public static Task StartRecorderAsync(this IPage page, string panelTestId) => page.EvaluateAsync(
        """
        panelId => {
          const rec = { values: [], previews: [], boxes: [], images: [], states: [] };
          window.__wdRecorder = rec;
          const q = (sel) => document.querySelector(`[data-testid=${panelId}] ${sel}`);
          const rect = (el) => { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(v => Math.round(v * 10) / 10).join(','); };
          const sample = () => {
            const p = q('[data-testid=progress]');
            if (p) {
              const v = Number(p.getAttribute('aria-valuenow'));
              if (rec.values[rec.values.length - 1] !== v) rec.values.push(v);
              const s = p.getAttribute('data-state');
              if (rec.states[rec.states.length - 1] !== s) rec.states.push(s);
            }
            const preview = q('[data-testid=preview-image]');
            if (preview && preview.getAttribute('src') && rec.previews[rec.previews.length - 1] !== preview.getAttribute('src')) rec.previews.push(preview.getAttribute('src'));
            const box = q('.output-box');
            if (box) rec.boxes.push(rect(box));
            const img = q('.output-box img');
            if (img && img.complete && img.naturalWidth > 0) rec.images.push(img.getAttribute('data-testid') + '@' + rect(img));
          };
          new MutationObserver(sample).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
          document.addEventListener('load', sample, true);
          sample();
        }
        """, panelTestId);

    public static async Task<Recording> ReadRecorderAsync(this IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("() => window.__wdRecorder");
        static List<string> Strings(JsonElement e) => e.EnumerateArray().Select(x => x.ToString()).ToList();
        return new Recording(
            json.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList(),
            Strings(json.GetProperty("previews")),
            Strings(json.GetProperty("boxes")),
            Strings(json.GetProperty("images")),
            Strings(json.GetProperty("states")));
    }

    /// <summary>What <see cref="StartRecorderAsync"/> saw.</summary>
    public sealed record Recording(List<double> Values, List<string> Previews, List<string> Boxes, List<string> Images, List<string> States);
}
