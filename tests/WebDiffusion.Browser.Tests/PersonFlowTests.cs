using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace WebDiffusion.Browser.Tests;

/// <summary>What a person does: prompt → image → gallery → inpaint → PNG Info → back to txt2img, on the real server and model.</summary>
public class PersonFlowTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Prompt_to_image_to_gallery_to_inpaint_to_png_info_and_back() => await fixture.WithPageAsync(nameof(Prompt_to_image_to_gallery_to_inpaint_to_png_info_and_back), async (page, errors) =>
    {
        const string prompt = "a quiet lighthouse kumquat at dusk";
        const int seed = 424242;
        await fixture.OpenAppAsync(page);
        var txt = page.Panel("txt2img");

        // Type the prompt, fix the seed, Ctrl+Enter.
        await txt.GetByTestId("seed").FillAsync(seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await txt.GetByTestId("seed").PressAsync("Tab");
        // Enough steps at a size above the default that a person (and the test) can see the progress move: the job
        // must outlast the POST round trip, or every hub event arrives (and is replayed) before the page renders.
        await txt.SetFieldAsync("steps", 150);
        await txt.SetFieldAsync("width", 768);
        await txt.SetFieldAsync("height", 768);
        var promptBox = txt.GetByTestId("prompt");
        await promptBox.ClickAsync();
        await promptBox.FillAsync(prompt);
        await page.StartRecorderAsync("panel-txt2img");
        var started = System.Diagnostics.Stopwatch.StartNew();
        await promptBox.PressAsync("Control+Enter");

        // Progress runs to the end and the result is shown.
        Assert.Equal("done", await txt.WaitForJobEndAsync());
        await Assertions.Expect(txt.GetByTestId("progress")).ToHaveAttributeAsync("aria-valuenow", "100");
        var recording = await page.ReadRecorderAsync();
        output.WriteLine($"txt2img took {started.ElapsedMilliseconds} ms");
        output.WriteLine($"txt2img progress values: {string.Join(" ", recording.Values)}; states: {string.Join(" ", recording.States)}; previews: {recording.Previews.Count}");
        Assert.Contains("running", recording.States);
        Assert.True(recording.Values.Exists(v => v is > 0 and < 100) || recording.Previews.Count > 0, "no progress was shown before the end");
        var result = txt.GetByTestId("result-main");
        await result.ExpectLoadedImageAsync();
        var infotext = txt.GetByTestId("infotext");
        await Assertions.Expect(infotext).ToContainTextAsync(prompt);
        await Assertions.Expect(infotext).ToContainTextAsync($"Seed: {seed}");
        var firstId = PageHelpers.ImageIdFromSrc(await result.GetAttributeAsync("src") ?? string.Empty);

        // The gallery finds it by a word of the prompt.
        await page.GetByTestId("tab-gallery").ClickAsync();
        var gallery = page.Panel("gallery");
        await gallery.GetByTestId("gallery-search").FillAsync("kumquat");
        var items = gallery.GetByTestId("gallery-item");
        await Assertions.Expect(items).ToHaveCountAsync(1);
        await items.First.Locator("img").ExpectLoadedImageAsync();
        Assert.Equal(firstId, PageHelpers.ImageIdFromSrc(await items.First.Locator("img").GetAttributeAsync("src") ?? string.Empty));
        await gallery.GetByTestId("gallery-search").FillAsync("nosuchwordanywhere");
        await Assertions.Expect(items).ToHaveCountAsync(0);

        // Send to inpaint, paint a stroke, generate.
        await page.GetByTestId("tab-txt2img").ClickAsync();
        await txt.GetByTestId("send-to-inpaint").ClickAsync();
        var i2i = page.Panel("img2img");
        var canvas = i2i.GetByTestId("inpaint-canvas");
        await Assertions.Expect(canvas).ToBeVisibleAsync();
        await Assertions.Expect(i2i.GetByTestId("prompt")).ToHaveValueAsync(prompt);
        var box = await canvas.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Width > 32 && box.Height > 32, $"the mask canvas is too small to paint on: {box.Width}×{box.Height}");
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.25f), box.Y + (box.Height * 0.5f));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.5f), box.Y + (box.Height * 0.45f), new() { Steps = 5 });
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.75f), box.Y + (box.Height * 0.5f), new() { Steps = 5 });
        await page.Mouse.UpAsync();
        var painted = await canvas.EvaluateAsync<int>(
            "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }");
        Assert.True(painted > 0, "the stroke left no paint on the mask canvas");

        var submitted = page.WaitForRequestAsync(r => r.Method == "POST" && r.Url.EndsWith("/api/jobs", StringComparison.Ordinal));
        await i2i.GetByTestId("generate").ClickAsync();
        var body = JsonDocument.Parse((await submitted).PostData ?? "{}").RootElement;
        Assert.Equal("img2img", body.GetProperty("mode").GetString());
        Assert.StartsWith("data:image/png;base64,", body.GetProperty("mask").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, body.GetProperty("init_images").GetArrayLength());
        Assert.Equal("done", await i2i.WaitForJobEndAsync());
        var inpainted = i2i.GetByTestId("result-main");
        await inpainted.ExpectLoadedImageAsync();
        var inpaintedId = PageHelpers.ImageIdFromSrc(await inpainted.GetAttributeAsync("src") ?? string.Empty);
        Assert.NotEqual(firstId, inpaintedId);
        await Assertions.Expect(i2i.GetByTestId("infotext")).ToContainTextAsync(prompt);

        // PNG Info reads the downloaded result.
        var png = await fixture.Server.Client.GetByteArrayAsync($"api/images/{Uri.EscapeDataString(inpaintedId)}");
        await page.GetByTestId("tab-pnginfo").ClickAsync();
        var info = page.Panel("pnginfo");
        await info.GetByTestId("pnginfo-input").SetInputFilesAsync(new FilePayload { Name = "result.png", MimeType = "image/png", Buffer = png });
        var shown = info.GetByTestId("pnginfo-output");
        await Assertions.Expect(shown).ToContainTextAsync(prompt);
        await Assertions.Expect(shown).ToContainTextAsync($"Seed: {seed}");
        await Assertions.Expect(shown).ToContainTextAsync("Denoising strength");

        // Send to txt2img fills the prompt field (cleared first so the assertion means something).
        await page.GetByTestId("tab-txt2img").ClickAsync();
        await page.Panel("txt2img").GetByTestId("prompt").FillAsync(string.Empty);
        await page.GetByTestId("tab-pnginfo").ClickAsync();
        await info.GetByTestId("send-to-txt2img").ClickAsync();
        await Assertions.Expect(page.Panel("txt2img")).ToBeVisibleAsync();
        await Assertions.Expect(page.Panel("txt2img").GetByTestId("prompt")).ToHaveValueAsync(prompt);
        await Assertions.Expect(page.Panel("txt2img").GetByTestId("seed")).ToHaveValueAsync(seed.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Empty(errors);
    });
}
