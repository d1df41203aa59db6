using Microsoft.Playwright;

namespace WebDiffusion.Browser.Tests;

public class ShellTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly string[] Tabs = ["txt2img", "img2img", "extras", "pnginfo", "gallery", "settings"];

    [Fact]
    public async Task Page_loads_without_console_errors() => await fixture.WithPageAsync(nameof(Page_loads_without_console_errors), async (page, errors) =>
    {
        var response = await page.GotoAsync(fixture.Server.BaseAddress.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
        Assert.NotNull(response);
        Assert.True(response.Ok, $"GET / returned {response.Status}");
        await page.GetByTestId("tab-txt2img").WaitForAsync();
        await page.WaitForTimeoutAsync(500);
        Assert.Empty(errors);
    });

    [Fact]
    public async Task Tabs_switch_panels() => await fixture.WithPageAsync(nameof(Tabs_switch_panels), async (page, errors) =>
    {
        await page.GotoAsync(fixture.Server.BaseAddress.ToString());
        foreach (var tab in Tabs)
        {
            await page.GetByTestId("tab-" + tab).ClickAsync();
            await Assertions.Expect(page.GetByTestId("panel-" + tab)).ToBeVisibleAsync();
        }

        Assert.Empty(errors);
    });

    [Fact]
    public async Task Language_switch_changes_visible_text() => await fixture.WithPageAsync(nameof(Language_switch_changes_visible_text), async (page, errors) =>
    {
        await page.GotoAsync(fixture.Server.BaseAddress.ToString());
        var generate = page.GetByTestId("generate");
        await generate.WaitForAsync();
        var english = (await generate.InnerTextAsync()).Trim();

        await page.GetByTestId("lang-zh").ClickAsync();
        await Assertions.Expect(generate).Not.ToHaveTextAsync(english);
        var chinese = (await generate.InnerTextAsync()).Trim();
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", chinese);

        await page.GetByTestId("lang-en").ClickAsync();
        await Assertions.Expect(generate).ToHaveTextAsync(english);
        Assert.Empty(errors);
    });

    [Fact]
    public async Task A_chinese_browser_gets_chinese_by_default() => await fixture.WithPageAsync(nameof(A_chinese_browser_gets_chinese_by_default), async (page, errors) =>
    {
        await page.GotoAsync(fixture.Server.BaseAddress.ToString());
        var generate = page.GetByTestId("generate");
        await generate.WaitForAsync();
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", await generate.InnerTextAsync());
        Assert.Empty(errors);
    }, locale: "zh-CN");
}
