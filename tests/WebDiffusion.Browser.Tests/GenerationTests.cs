using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace WebDiffusion.Browser.Tests;

/// <summary>Interrupting, refused requests and a steady output area, on the real server and model.</summary>
public class GenerationTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Esc_interrupts_a_long_job_and_keeps_the_images_finished_so_far() => await fixture.WithPageAsync(nameof(Esc_interrupts_a_long_job_and_keeps_the_images_finished_so_far), async (page, errors) =>
    {
        const int count = 100;
        await fixture.OpenAppAsync(page);
        var txt = page.Panel("txt2img");
        // A long job (100 images × 150 steps at 1024², minutes even on a fast CI machine, while the tiny model makes a
        // 512² image in well under a second) whatever the machine's speed: Esc lands in the middle.
        await txt.SetFieldAsync("batch-count", count);
        await txt.SetFieldAsync("steps", 150);
        await txt.SetFieldAsync("width", 1024);
        await txt.SetFieldAsync("height", 1024);
        // A person picks a sampler first: the (now closed) dropdown must not swallow the Esc later.
        await txt.GetByTestId("sampler").ClickAsync();
        await page.Locator(".n-base-select-option", new() { HasText = "Euler a" }).First.ClickAsync();
        await Assertions.Expect(txt.GetByTestId("sampler")).ToContainTextAsync("Euler a");
        await txt.GetByTestId("prompt").FillAsync("an orchard of quince trees, interrupted");
        await txt.GetByTestId("prompt").PressAsync("Control+Enter");

        // Once the first image is saved, Esc stops the job.
        await Assertions.Expect(txt.GetByTestId("interrupt")).ToBeVisibleAsync();
        await Assertions.Expect(txt.GetByTestId("result-image").First).ToBeVisibleAsync(new() { Timeout = 60_000 });

        // Esc in an open dropdown closes the dropdown only; the next Esc interrupts.
        await txt.GetByTestId("scheduler").ClickAsync();
        var menu = page.Locator(".n-base-select-menu").Last;
        await Assertions.Expect(menu).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(menu).ToBeHiddenAsync();
        Assert.Equal("running", await txt.GetByTestId("progress").GetAttributeAsync("data-state"));
        await page.Keyboard.PressAsync("Escape");
        Assert.Equal("interrupted", await txt.WaitForJobEndAsync());
        await Assertions.Expect(txt.GetByTestId("progress-text")).Not.ToBeEmptyAsync();
        await Assertions.Expect(txt.GetByTestId("generate")).ToBeEnabledAsync();

        using var images = JsonDocument.Parse(await fixture.Server.Client.GetStringAsync("api/images?query=quince"));
        var total = images.RootElement.GetProperty("total").GetInt32();
        output.WriteLine($"kept {total} of {count} images");
        Assert.InRange(total, 1, count - 1);
        await Assertions.Expect(txt.GetByTestId("result-image")).ToHaveCountAsync(total);
        await txt.GetByTestId("result-main").ExpectLoadedImageAsync();

        await page.GetByTestId("tab-gallery").ClickAsync();
        await page.Panel("gallery").GetByTestId("gallery-search").FillAsync("quince");
        // The gallery counts every kept image; its grid pages by 50 and renders only the rows in view.
        var gallery = page.Panel("gallery");
        await Assertions.Expect(gallery).ToContainTextAsync($"{total} images");
        await Assertions.Expect(gallery.GetByTestId("gallery-pagination")).ToBeVisibleAsync(new() { Visible = total > 50 });
        var shown = await gallery.GetByTestId("gallery-item").CountAsync();
        Assert.InRange(shown, Math.Min(total, 8), Math.Min(total, 50));
        await gallery.GetByTestId("gallery-item").First.Locator("img").ExpectLoadedImageAsync();
        Assert.Empty(errors);
    });

    [Fact]
    public async Task A_width_the_server_refuses_shows_its_message_in_a_notification() => await fixture.WithPageAsync(nameof(A_width_the_server_refuses_shows_its_message_in_a_notification), async (page, errors) =>
    {
        await fixture.OpenAppAsync(page);
        var txt = page.Panel("txt2img");
        var width = txt.Locator("[data-testid=width] input").First;
        await width.FillAsync("100");
        await width.PressAsync("Tab");
        await Assertions.Expect(width).ToHaveValueAsync("100");
        await txt.GetByTestId("prompt").FillAsync("a width that is not a multiple of eight");
        await txt.GetByTestId("prompt").PressAsync("Control+Enter");

        var notification = page.Locator(".n-notification");
        await Assertions.Expect(notification).ToContainTextAsync("multiple of 8");
        await Assertions.Expect(txt.Locator("[data-testid=width] [role=alert]")).ToContainTextAsync("multiple of 8");
        await Assertions.Expect(txt.GetByTestId("generate")).ToBeEnabledAsync();

        // The 400 itself is the expected answer (Chromium reports every failed response on its console); nothing else may fail.
        var unexpected = errors.Where(e => !IsTheRefusedSubmit(e)).ToList();
        Assert.Empty(unexpected);
        Assert.Contains(errors, e => e.StartsWith("HTTP 400 POST", StringComparison.Ordinal));
    });

    [Fact]
    public async Task The_output_area_stays_put_while_previews_update() => await fixture.WithPageAsync(nameof(The_output_area_stays_put_while_previews_update), async (page, errors) =>
    {
        await fixture.OpenAppAsync(page);
        var txt = page.Panel("txt2img");
        // Several seconds with the tiny model (3 images × 150 steps at 1024²): dozens of step events with previews (the
        // server sends at most ~10/s), so a loaded machine still renders a good number of them.
        await txt.SetFieldAsync("batch-count", 3);
        await txt.SetFieldAsync("steps", 150);
        await txt.SetFieldAsync("width", 1024);
        await txt.SetFieldAsync("height", 1024);
        await txt.GetByTestId("prompt").FillAsync("a steady frame around a moving picture");
        await page.StartRecorderAsync("panel-txt2img");
        await txt.GetByTestId("generate").ClickAsync();
        Assert.Equal("done", await txt.WaitForJobEndAsync());
        await txt.GetByTestId("result-main").ExpectLoadedImageAsync();
        await page.WaitForTimeoutAsync(200);

        var recording = await page.ReadRecorderAsync();
        var boxes = recording.Boxes.Distinct().ToList();
        var images = recording.Images.Distinct().ToList();
        output.WriteLine($"{recording.Previews.Count} previews, progress {string.Join(" ", recording.Values)}");
        output.WriteLine("output boxes: " + string.Join(" | ", boxes));
        output.WriteLine("images: " + string.Join(" | ", images));
        // Sampled across several step events (at least one carrying a preview). More previews would be better, but the
        // server drops most of them: see the report on GenerationWorker's step-event throttle.
        Assert.True(recording.Values.Count(v => v is > 0 and < 100) >= 3, "expected several step events, saw " + string.Join(" ", recording.Values));
        Assert.NotEmpty(recording.Previews);
        Assert.Contains(recording.Images, i => i.StartsWith("preview-image@", StringComparison.Ordinal));
        Assert.Single(boxes);

        // The picture itself does not jump between preview and result either: both fill the same rectangle.
        var rects = images.Select(i => i[(i.IndexOf('@', StringComparison.Ordinal) + 1)..]).Distinct().ToList();
        Assert.Single(rects);
        Assert.Empty(errors);
    });

    [Fact]
    public async Task Without_the_progress_hub_the_indicator_says_offline_and_the_job_still_finishes_by_polling() => await fixture.WithPageAsync(nameof(Without_the_progress_hub_the_indicator_says_offline_and_the_job_still_finishes_by_polling), async (page, errors) =>
    {
        // A proxy that does not pass the hub (or a dropped socket): the page must still show the result.
        await page.RouteAsync("**/hubs/**", route => route.AbortAsync());
        await fixture.OpenAppAsync(page, waitForLive: false);
        var live = page.GetByTestId("live-state");
        await Assertions.Expect(live).ToHaveAttributeAsync("data-state", "offline");
        await Assertions.Expect(live).ToHaveAttributeAsync("aria-label", "Live progress unavailable: checking by polling");

        var txt = page.Panel("txt2img");
        await txt.GetByTestId("prompt").FillAsync("a lighthouse seen without a live line");
        await txt.GetByTestId("generate").ClickAsync();
        Assert.Equal("done", await txt.WaitForJobEndAsync());
        await txt.GetByTestId("result-main").ExpectLoadedImageAsync();

        // The aborted hub requests are the expected failures (Chromium reports each on its console); nothing else may fail.
        Assert.DoesNotContain(errors, e => !e.Contains("/hubs/", StringComparison.Ordinal) && !e.Contains("net::ERR_FAILED", StringComparison.Ordinal));
    });

    [Fact]
    public async Task Jobs_submitted_through_the_api_are_refused_with_field_errors()
    {
        // The server's side of the validation test: the same request the UI sends, with the message the UI shows.
        using var response = await fixture.Server.Client.PostAsJsonAsync("api/jobs", new { mode = "txt2img", prompt = "x", width = 100, height = 64, steps = 4 });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("multiple of 8", body.RootElement.GetProperty("errors").GetProperty("width")[0].GetString(), StringComparison.Ordinal);
    }

    private static bool IsTheRefusedSubmit(string error) =>
        (error.StartsWith("HTTP 400 POST", StringComparison.Ordinal) && error.EndsWith("/api/jobs", StringComparison.Ordinal))
        || error.Contains("status of 400", StringComparison.Ordinal);
}
