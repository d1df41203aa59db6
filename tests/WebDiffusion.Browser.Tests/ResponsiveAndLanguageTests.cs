using Microsoft.Playwright;

namespace WebDiffusion.Browser.Tests;

/// <summary>A phone-size screen and the Chinese interface, on the real server.</summary>
public class ResponsiveAndLanguageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Choosing_simplified_chinese_changes_the_labels_and_survives_a_reload() => await fixture.WithPageAsync(nameof(Choosing_simplified_chinese_changes_the_labels_and_survives_a_reload), async (page, errors) =>
    {
        await fixture.OpenAppAsync(page);
        await Assertions.Expect(page.GetByTestId("tab-txt2img")).ToHaveTextAsync("txt2img");
        await Assertions.Expect(page.GetByTestId("tab-gallery")).ToHaveTextAsync("Gallery");

        await page.GetByTestId("lang-switch").ClickAsync();
        await page.Locator(".n-base-select-option", new() { HasText = "简体中文" }).ClickAsync();
        await AssertChineseAsync(page);

        await page.ReloadAsync();
        await page.GetByTestId("generate").WaitForAsync();
        await AssertChineseAsync(page);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        Assert.Empty(errors);
    });

    [Fact]
    public async Task On_a_phone_the_page_has_no_horizontal_scroll_and_generate_is_reachable() => await fixture.WithPageAsync(nameof(On_a_phone_the_page_has_no_horizontal_scroll_and_generate_is_reachable), async (page, errors) =>
    {
        await fixture.OpenAppAsync(page);
        var overflow = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]");
        Assert.True(overflow[0] <= overflow[2] && overflow[1] <= overflow[2], $"horizontal scroll: scrollWidth {overflow[0]}/{overflow[1]} > viewport {overflow[2]}");

        // Nothing in the txt2img panel sticks out to the right.
        var widest = await page.EvaluateAsync<string>(
            "() => { let worst = ''; let max = window.innerWidth; for (const el of document.querySelectorAll('[data-testid=panel-txt2img] *')) { const r = el.getBoundingClientRect(); if (r.width > 0 && r.right > max + 0.5) { max = r.right; worst = el.tagName + '.' + el.className + ' ' + Math.round(r.right); } } return worst; }");
        Assert.True(widest.Length == 0, "sticks out of the viewport: " + widest);

        var generate = page.Panel("txt2img").GetByTestId("generate");
        await generate.ScrollIntoViewIfNeededAsync();
        var box = await generate.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X >= 0 && box.X + box.Width <= 390 && box.Height >= 40, $"generate at {box.X},{box.Y} {box.Width}×{box.Height}");
        await page.Panel("txt2img").GetByTestId("prompt").FillAsync("a small screen");
        await generate.ClickAsync();
        Assert.Equal("done", await page.Panel("txt2img").WaitForJobEndAsync());
        await page.Panel("txt2img").GetByTestId("result-main").ExpectLoadedImageAsync();
        var after = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(after <= 0, $"horizontal scroll of {after}px after the result arrived");
        Assert.Empty(errors);
    }, width: 390, height: 844);

    private static async Task AssertChineseAsync(IPage page)
    {
        await Assertions.Expect(page.GetByTestId("tab-txt2img")).ToHaveTextAsync("文生图");
        await Assertions.Expect(page.GetByTestId("tab-gallery")).ToHaveTextAsync("图库");
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", await page.GetByTestId("generate").InnerTextAsync());
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", await page.Panel("txt2img").GetByTestId("prompt").GetAttributeAsync("aria-label") ?? string.Empty);
    }
}
