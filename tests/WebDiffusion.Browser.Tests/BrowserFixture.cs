using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.ModelKit;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Browser.Tests;

/// <summary>
/// One real server on a loopback port and one Debian Chromium (through Playwright) shared by the browser tests
/// of a class. Each test opens its own page and records console errors; a failing test leaves a screenshot.
/// A subclass may add server configuration (<see cref="ServerSettingsAsync"/>), e.g. to point it at a fake service.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public LoopbackServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Folder where failure screenshots are written (under the test output).</summary>
    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Name of the tiny txt2img/img2img model the server starts with.</summary>
    public const string ModelName = "tiny";

    /// <summary>Name of the tiny inpainting model (9-channel unet).</summary>
    public const string InpaintingModelName = "tiny-inpainting";

    /// <summary>Default size and steps stored in the server's settings so that every generation is quick.</summary>
    public const int DefaultSize = 64;

    public const int DefaultSteps = 4;

    /// <summary>Hook for subclasses/tests to prepare the temp root before the server starts (after the demo models are written).</summary>
    public static Action<string>? Prepare { get; set; }

    /// <summary>Writes the tiny demo models into the server's models folder.</summary>
    public static void WriteDemoModels(string root)
    {
        var folder = Path.Combine(root, "models", "Stable-diffusion");
        TinyModelWriter.WriteModel(Path.Combine(folder, ModelName), TinyModelVariant.Fp32, f => ClipTokenizer.Default.WriteHuggingFaceFiles(f));
        TinyModelWriter.WriteModel(Path.Combine(folder, InpaintingModelName), TinyModelVariant.Inpainting, f => ClipTokenizer.Default.WriteHuggingFaceFiles(f));
    }

    /// <summary>Configuration added to the server's (read before it starts; the default adds nothing).</summary>
    protected virtual Task<IReadOnlyDictionary<string, string?>> ServerSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());

    public async Task InitializeAsync()
    {
        // Chromium runs on the same (2-core) machine: ONNX Runtime on every core starves its renderer, which then
        // paints live progress in bursts. One thread leaves it a core, as a browser on another machine would have.
        var configuration = new Dictionary<string, string?> { ["WebDiffusion:CpuThreads"] = "1" };
        foreach (var (key, value) in await ServerSettingsAsync())
        {
            configuration[key] = value;
        }

        Server = await LoopbackServer.StartAsync(
            prepare: root =>
            {
                WriteDemoModels(root);
                Prepare?.Invoke(root);
            },
            configure: builder => builder.Configuration.AddInMemoryCollection(configuration));
        using (var select = await Server.Client.PostAsJsonAsync("api/models/select", new { name = ModelName }))
        {
            select.EnsureSuccessStatusCode();
        }

        using (var settings = await Server.Client.PutAsJsonAsync("api/settings", new { defaultWidth = DefaultSize, defaultHeight = DefaultSize, defaultSteps = DefaultSteps }))
        {
            settings.EnsureSuccessStatusCode();
        }

        _playwright = await Playwright.CreateAsync();
        var executable = Environment.GetEnvironmentVariable("WD_CHROMIUM") ?? "/usr/bin/chromium";
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
        });
    }

    public virtual async Task DisposeAsync()
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

    /// <summary>
    /// Opens the app and waits until the server's settings are applied (the width field shows <see cref="DefaultSize"/>),
    /// so a generation started right after uses the small defaults, and (unless told not to) until the progress hub
    /// is connected.
    /// </summary>
    public async Task OpenAppAsync(IPage page, bool waitForLive = true)
    {
        await page.GotoAsync(Server.BaseAddress.ToString());
        await page.GetByTestId("generate").WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=panel-txt2img] [data-testid=width] input")).ToHaveValueAsync(DefaultSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (waitForLive)
        {
            // The progress hub is connected: a job started now shows its steps live from the first one.
            await Assertions.Expect(page.GetByTestId("live-state")).ToHaveAttributeAsync("data-state", "connected");
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
