using Microsoft.Playwright;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Browser.Tests;

/// <summary>The UI behind --api-auth: the browser is sent to the login page, signs in, and the app then works.</summary>
public sealed class LoginTests : IAsyncLifetime
{
    private const string User = "alice";
    private const string Password = "a-Long-browser-Passw0rd";
    private LoopbackServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(["--api-auth", $"{User}:{Password}"], BrowserFixture.WriteDemoModels);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("WD_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_visitor_signs_in_and_reaches_the_app_without_errors()
    {
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add(m.Text);
            }
        };
        page.PageError += (_, e) => errors.Add("page error: " + e);

        await page.GotoAsync(_server.BaseAddress + "?tab=gallery");
        Assert.StartsWith(new Uri(_server.BaseAddress, "/login").ToString(), page.Url, StringComparison.Ordinal);

        await page.Locator("input[name=username]").FillAsync(User);
        await page.Locator("input[name=password]").FillAsync("wrong password");
        await page.Locator("button[type=submit]").ClickAsync();
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);

        await page.Locator("input[name=username]").FillAsync(User);
        await page.Locator("input[name=password]").FillAsync(Password);
        await page.Locator("button[type=submit]").ClickAsync();

        await page.GetByTestId("generate").WaitForAsync();
        await Assertions.Expect(page.GetByTestId("checkpoint-select")).ToContainTextAsync("tiny");
        Assert.DoesNotContain("/login", page.Url, StringComparison.Ordinal);
        await page.WaitForTimeoutAsync(500);
        // The refused attempt is logged by Chromium itself as a failed resource load (401); nothing else may appear.
        Assert.DoesNotContain(errors, e => !e.Contains("status of 401", StringComparison.Ordinal));
    }
}
