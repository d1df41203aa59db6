using Microsoft.Playwright;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Browser.Tests;

/// <summary>
/// One real server on a loopback port and one Debian Chromium (through Playwright) shared by the browser tests
/// of a class. Each test opens its own page and records console errors; a failing test leaves a screenshot.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public LoopbackServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Folder where failure screenshots are written (under the test output).</summary>
    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Hook for subclasses/tests to prepare the temp root (e.g. write a demo model) before the server starts.</summary>
    public static Action<string>? Prepare { get; set; }

    public async Task InitializeAsync()
    {
        Server = await LoopbackServer.StartAsync(prepare: Prepare);
        _playwright = await Playwright.CreateAsync();
        var executable = Environment.GetEnvironmentVariable("WD_CHROMIUM") ?? "/usr/bin/chromium";
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>Opens a page at the server's root with console-error capture; run <paramref name="test"/>; screenshot on failure.</summary>
    public async Task WithPageAsync(string testName, Func<IPage, List<string>, Task> test, string locale = "en-US", int width = 1280, int height = 800)
    {
        await using var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = locale,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add("page error: " + error);
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                errors.Add($"HTTP {response.Status} {response.Request.Method} {response.Url}");
            }
        };
        try
        {
            await test(page, errors);
        }
        catch
        {
            Directory.CreateDirectory(ScreenshotDir);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, testName + ".png"), FullPage = true });
            throw;
        }
    }
}
