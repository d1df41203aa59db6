using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using Xunit.Abstractions;

namespace WebDiffusion.Browser.Tests;

/// <summary>
/// Inpainting keeps what is not painted, deleting from the gallery, cancelling a queued job from the queue panel and
/// skipping one image of a batch: on the real server and model, through the page.
/// </summary>
public class EditingAndQueueTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Inpainting_leaves_the_pixels_outside_the_painted_stroke_unchanged() => await fixture.WithPageAsync(nameof(Inpainting_leaves_the_pixels_outside_the_painted_stroke_unchanged), async (page, errors) =>
    {
        const int size = 128;
        var source = Pattern(size, size);
        await fixture.OpenAppAsync(page);
        await page.GetByTestId("tab-img2img").ClickAsync();
        var i2i = page.Panel("img2img");
        await i2i.GetByTestId("subtab-inpaint").ClickAsync();
        await i2i.GetByTestId("inpaint-input").SetInputFilesAsync(new FilePayload { Name = "pattern.png", MimeType = "image/png", Buffer = PngEncoder.Encode(source) });
        var canvas = i2i.GetByTestId("inpaint-canvas");
        await Assertions.Expect(canvas).ToBeVisibleAsync();
        await i2i.GetByTestId("prompt").FillAsync("a patch of moss on a tiled wall");

        // One horizontal stroke across the middle of the image.
        var box = await canvas.BoundingBoxAsync();
        Assert.NotNull(box);
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.3f), box.Y + (box.Height * 0.5f));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.7f), box.Y + (box.Height * 0.5f), new() { Steps = 8 });
        await page.Mouse.UpAsync();

        var submitted = page.WaitForRequestAsync(r => r.Method == "POST" && r.Url.EndsWith("/api/jobs", StringComparison.Ordinal));
        await i2i.GetByTestId("generate").ClickAsync();
        using var body = JsonDocument.Parse((await submitted).PostData ?? "{}");
        var request = body.RootElement;
        var mask = DecodeDataUrl(request.GetProperty("mask").GetString());
        var init = DecodeDataUrl(request.GetProperty("init_images")[0].GetString());
        var blur = request.GetProperty("mask_blur").GetInt32();
        Assert.Equal((size, size), (init.Width, init.Height));
        Assert.Equal((size, size), (mask.Width, mask.Height));
        // The page sends the uploaded picture as it was (a PNG round trip through a canvas is lossless for opaque pixels).
        Assert.Equal(source.Pixels, init.Pixels);

        Assert.Equal("done", await i2i.WaitForJobEndAsync());
        var shown = i2i.GetByTestId("result-main");
        await shown.ExpectLoadedImageAsync();
        var id = PageHelpers.ImageIdFromSrc(await shown.GetAttributeAsync("src") ?? string.Empty);
        var result = PngDecoder.Decode(await fixture.Server.Client.GetByteArrayAsync($"api/images/{Uri.EscapeDataString(id)}")).Image;
        Assert.Equal((size, size), (result.Width, result.Height));

        // Every pixel farther from the stroke than the blur reaches (a Gaussian of radius `blur` spans ~2.5 radii) is the init pixel.
        var margin = (3 * blur) + 2;
        var painted = new List<(int X, int Y)>();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                if (mask.Pixels[((y * size) + x) * 4] > 127)
                {
                    painted.Add((x, y));
                }
            }
        }

        Assert.NotEmpty(painted);
        int compared = 0, differing = 0, changedInside = 0;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var o = ((y * size) + x) * 4;
                var near = painted.Exists(p => Math.Abs(p.X - x) <= margin && Math.Abs(p.Y - y) <= margin);
                var same = result.Pixels[o] == init.Pixels[o] && result.Pixels[o + 1] == init.Pixels[o + 1] && result.Pixels[o + 2] == init.Pixels[o + 2];
                if (!near)
                {
                    compared++;
                    if (!same)
                    {
                        differing++;
                    }
                }
                else if (mask.Pixels[o] > 127 && !same)
                {
                    changedInside++;
                }
            }
        }

        output.WriteLine($"{painted.Count} painted pixels, blur {blur}; compared {compared} outside, {differing} differ; {changedInside} changed inside");
        Assert.True(compared > size * size / 3, $"too few pixels outside the stroke to compare: {compared}");
        Assert.Equal(0, differing);
        Assert.True(changedInside > 0, "nothing changed inside the painted stroke");
        Assert.Empty(errors);
    });

    [Fact]
    public async Task Deleting_an_image_in_the_gallery_removes_it_and_its_file() => await fixture.WithPageAsync(nameof(Deleting_an_image_in_the_gallery_removes_it_and_its_file), async (page, errors) =>
    {
        await fixture.OpenAppAsync(page);
        var txt = page.Panel("txt2img");
        await txt.GetByTestId("prompt").FillAsync("a deletable dodo on a doorstep");
        await txt.GetByTestId("generate").ClickAsync();
        Assert.Equal("done", await txt.WaitForJobEndAsync());
        var result = txt.GetByTestId("result-main");
        await result.ExpectLoadedImageAsync();
        var id = PageHelpers.ImageIdFromSrc(await result.GetAttributeAsync("src") ?? string.Empty);

        await page.GetByTestId("tab-gallery").ClickAsync();
        var gallery = page.Panel("gallery");
        await gallery.GetByTestId("gallery-search").FillAsync("dodo");
        var items = gallery.GetByTestId("gallery-item");
        await Assertions.Expect(items).ToHaveCountAsync(1);
        await items.First.ClickAsync();
        var modal = page.Locator(".image-modal");
        await Assertions.Expect(modal.GetByTestId("modal-image")).ToBeVisibleAsync();
        Assert.Equal(id, PageHelpers.ImageIdFromSrc(await modal.GetByTestId("modal-image").GetAttributeAsync("src") ?? string.Empty));

        await modal.GetByTestId("delete-image").ClickAsync();
        await page.Locator(".n-popconfirm").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(modal).ToBeHiddenAsync();
        await Assertions.Expect(items).ToHaveCountAsync(0);

        using (var gone = await fixture.Server.Client.GetAsync($"api/images/{Uri.EscapeDataString(id)}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // Still gone after a reload of the list from the server.
        await gallery.GetByTestId("gallery-refresh").ClickAsync();
        await Assertions.Expect(gallery.GetByTestId("gallery-refresh")).ToBeEnabledAsync();
        await Assertions.Expect(items).ToHaveCountAsync(0);
        Assert.Empty(errors);
    });

    [Fact]
    public async Task The_queue_panel_cancels_a_queued_job_which_never_runs() => await fixture.WithPageAsync(nameof(The_queue_panel_cancels_a_queued_job_which_never_runs), async (page, errors) =>
    {
        // The server is unauthenticated on loopback: the API client and the page are the same owner ("local").
        // A long job (100 × 150 steps at 1024²) holds the worker for minutes; the second one waits behind it.
        var running = await SubmitAsync(new { mode = "txt2img", prompt = "a long walk past the gasworks", width = 1024, height = 1024, steps = 150, n_iter = 100 });
        var queued = await SubmitAsync(new { mode = "txt2img", prompt = "a waiting quokka that never runs", width = 64, height = 64, steps = 4 });
        try
        {
            await fixture.OpenAppAsync(page);
            var txt = page.Panel("txt2img");
            var panel = txt.GetByTestId("queue-panel");
            await panel.Locator("summary").ClickAsync();
            var item = panel.GetByTestId("queue-item").Filter(new() { HasText = "quokka" });
            await Assertions.Expect(item.Locator(".queue-state")).ToHaveTextAsync("queued");
            await Assertions.Expect(item.GetByTestId("queue-position")).ToBeVisibleAsync();
            await item.GetByTestId("queue-cancel").ClickAsync();
            await Assertions.Expect(item.Locator(".queue-state")).ToHaveTextAsync("cancelled");
            await Assertions.Expect(item.GetByTestId("queue-cancel")).ToHaveCountAsync(0);
            // The long job is still the one running, and still offers its own cancel.
            var other = panel.GetByTestId("queue-item").Filter(new() { HasText = "gasworks" });
            await Assertions.Expect(other.Locator(".queue-state")).ToHaveTextAsync("running");

            using var job = JsonDocument.Parse(await fixture.Server.Client.GetStringAsync($"api/jobs/{queued}"));
            Assert.Equal("cancelled", job.RootElement.GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.Null, job.RootElement.GetProperty("startedAt").ValueKind);
            Assert.Equal(0, job.RootElement.GetProperty("imageIds").GetArrayLength());
        }
        finally
        {
            using var cancel = await fixture.Server.Client.PostAsync($"api/jobs/{running}/cancel", null);
            await WaitForTerminalAsync(running);
        }

        // It stayed cancelled: the worker, once free, never started it.
        using (var after = JsonDocument.Parse(await fixture.Server.Client.GetStringAsync($"api/jobs/{queued}")))
        {
            Assert.Equal("cancelled", after.RootElement.GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.Null, after.RootElement.GetProperty("startedAt").ValueKind);
        }

        using var images = JsonDocument.Parse(await fixture.Server.Client.GetStringAsync("api/images?query=quokka"));
        Assert.Equal(0, images.RootElement.GetProperty("total").GetInt32());
        Assert.Empty(errors);
    });

    [Fact]
    public async Task Skip_ends_the_current_image_where_it_is_and_the_job_goes_on_with_the_next() => await fixture.WithPageAsync(nameof(Skip_ends_the_current_image_where_it_is_and_the_job_goes_on_with_the_next), async (page, errors) =>
    {
        const int count = 3;
        const long seed = 7100;
        await fixture.OpenAppAsync(page);
        var txt = page.Panel("txt2img");
        // Seconds per image (150 steps at 1024²) so that Skip lands inside an image, not after the last one.
        await txt.SetFieldAsync("batch-count", count);
        await txt.SetFieldAsync("steps", 150);
        await txt.SetFieldAsync("width", 1024);
        await txt.SetFieldAsync("height", 1024);
        await txt.GetByTestId("seed").FillAsync(seed.ToString(CultureInfo.InvariantCulture));
        await txt.GetByTestId("seed").PressAsync("Tab");
        await txt.GetByTestId("prompt").FillAsync("a wombat skipped in a row of wombats");
        var created = page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.EndsWith("/api/jobs", StringComparison.Ordinal));
        await txt.GetByTestId("generate").ClickAsync();
        using var createdBody = JsonDocument.Parse(await (await created).TextAsync());
        var jobId = createdBody.RootElement.GetProperty("id").GetString();

        var skip = txt.GetByTestId("skip");
        await Assertions.Expect(skip).ToBeEnabledAsync(new() { Timeout = 30_000 });
        await skip.ClickAsync();
        Assert.Equal("done", await txt.WaitForJobEndAsync(120_000));

        // As A1111: the skipped image is decoded as sampled so far and kept; the job goes on, each image with its own seed.
        await Assertions.Expect(txt.GetByTestId("result-image")).ToHaveCountAsync(count);
        using var job = JsonDocument.Parse(await fixture.Server.Client.GetStringAsync($"api/jobs/{jobId}"));
        Assert.Equal("done", job.RootElement.GetProperty("state").GetString());
        Assert.Equal(count, job.RootElement.GetProperty("imageIds").GetArrayLength());
        using var images = JsonDocument.Parse(await fixture.Server.Client.GetStringAsync("api/images?query=wombats"));
        var seeds = images.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seed").GetInt64()).Order().ToList();
        output.WriteLine("kept seeds: " + string.Join(", ", seeds));
        Assert.Equal(count, seeds.Count);
        Assert.Equal(count, seeds.Distinct().Count());
        Assert.All(seeds, s => Assert.InRange(s, seed, seed + count - 1));
        Assert.Empty(errors);
    });

    [Fact]
    public async Task Png_info_to_txt2img_fills_the_hires_sampler_and_prompts_and_warns_about_an_unknown_checkpoint() => await fixture.WithPageAsync(nameof(Png_info_to_txt2img_fills_the_hires_sampler_and_prompts_and_warns_about_an_unknown_checkpoint), async (page, errors) =>
    {
        const string infotext = "a harbour at noon\nNegative prompt: fog\nSteps: 12, Sampler: Euler, CFG scale: 6, Seed: 99, Size: 64x64, " +
            "Model hash: 0123abcdef, Model: sd_xl_missing_model, Denoising strength: 0.45, Hires upscale: 2, Hires upscaler: Latent, " +
            "Hires sampler: Euler a, Hires prompt: \"a harbour at noon, crisp rigging\", Hires negative prompt: \"fog, blur\"";
        var png = PngEncoder.Encode(Pattern(64, 64), new PngEncoderOptions { Texts = [new("parameters", infotext)] });
        await fixture.OpenAppAsync(page);
        await page.GetByTestId("tab-pnginfo").ClickAsync();
        var info = page.Panel("pnginfo");
        await info.GetByTestId("pnginfo-input").SetInputFilesAsync(new FilePayload { Name = "hires.png", MimeType = "image/png", Buffer = png });
        await Assertions.Expect(info.GetByTestId("pnginfo-output")).ToContainTextAsync("Hires sampler: Euler a");
        await info.GetByTestId("send-to-txt2img").ClickAsync();

        var txt = page.Panel("txt2img");
        await Assertions.Expect(txt.GetByTestId("prompt")).ToHaveValueAsync("a harbour at noon");
        await Assertions.Expect(txt.GetByTestId("hires-prompt")).ToHaveValueAsync("a harbour at noon, crisp rigging");
        await Assertions.Expect(txt.GetByTestId("hires-negative-prompt")).ToHaveValueAsync("fog, blur");
        await Assertions.Expect(txt.GetByTestId("hires-sampler")).ToContainTextAsync("Euler a");
        // The checkpoint it names is not here: the selection stays, and a warning names the missing one.
        await Assertions.Expect(page.Locator(".n-message")).ToContainTextAsync("sd_xl_missing_model");
        await Assertions.Expect(page.GetByTestId("checkpoint-select")).ToContainTextAsync(BrowserFixture.ModelName);

        // Generating sends the hires pass's own sampler and prompts.
        await txt.SetFieldAsync("hires-steps", 2);
        var submitted = page.WaitForRequestAsync(r => r.Method == "POST" && r.Url.EndsWith("/api/jobs", StringComparison.Ordinal));
        await txt.GetByTestId("generate").ClickAsync();
        using var body = JsonDocument.Parse((await submitted).PostData ?? "{}");
        Assert.Equal("Euler a", body.RootElement.GetProperty("hr_sampler_name").GetString());
        Assert.Equal("a harbour at noon, crisp rigging", body.RootElement.GetProperty("hr_prompt").GetString());
        Assert.Equal("fog, blur", body.RootElement.GetProperty("hr_negative_prompt").GetString());
        Assert.Equal("done", await txt.WaitForJobEndAsync());
        var infotextShown = txt.GetByTestId("infotext");
        await Assertions.Expect(infotextShown).ToContainTextAsync("Hires prompt");
        await Assertions.Expect(infotextShown).ToContainTextAsync("Hires sampler: Euler a");
        Assert.Empty(errors);
    });

    /// <summary>A picture with a different colour at every pixel, so any change shows.</summary>
    private static RgbaImage Pattern(int width, int height)
    {
        var image = new RgbaImage(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var o = ((y * width) + x) * 4;
                image.Pixels[o] = (byte)(x * 2);
                image.Pixels[o + 1] = (byte)(y * 2);
                image.Pixels[o + 2] = (byte)(((x * 7) ^ (y * 3)) & 0xFF);
                image.Pixels[o + 3] = 255;
            }
        }

        return image;
    }

    private static RgbaImage DecodeDataUrl(string? dataUrl)
    {
        Assert.NotNull(dataUrl);
        const string prefix = "data:image/png;base64,";
        Assert.StartsWith(prefix, dataUrl, StringComparison.Ordinal);
        return PngDecoder.Decode(Convert.FromBase64String(dataUrl[prefix.Length..])).Image;
    }

    private async Task<string> SubmitAsync(object request)
    {
        using var response = await fixture.Server.Client.PostAsJsonAsync("api/jobs", request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        using var body = JsonDocument.Parse(text);
        return body.RootElement.GetProperty("id").GetString()!;
    }

    private async Task WaitForTerminalAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var job = JsonDocument.Parse(await fixture.Server.Client.GetStringAsync($"api/jobs/{id}"));
            var state = job.RootElement.GetProperty("state").GetString();
            if (state is "done" or "failed" or "cancelled" or "interrupted")
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {id} is still {state}");
            await Task.Delay(100);
        }
    }
}
