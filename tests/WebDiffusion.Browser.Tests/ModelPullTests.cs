using System.Text.RegularExpressions;
using Microsoft.Playwright;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.ModelKit;
using WebDiffusion.Server.Tests.Deploy;

namespace WebDiffusion.Browser.Tests;

/// <summary>The browser fixture's server with its hub base URL pointed at a <see cref="FakeHub"/> serving one tiny ONNX repo.</summary>
public sealed class ModelPullBrowserFixture : BrowserFixture
{
    /// <summary>The repo the fake hub serves (the tiny fp32 model with its CLIP tokenizer files).</summary>
    public const string RepoId = "org/tiny-onnx";

    private FakeHub? _hub;
    private string? _repoFolder;

    protected override async Task<IReadOnlyDictionary<string, string?>> ServerSettingsAsync()
    {
        _hub = await FakeHub.StartAsync();
        _repoFolder = Path.Combine(Path.GetTempPath(), "wd-hubrepo-" + Guid.NewGuid().ToString("N")[..12]);
        TinyModelWriter.WriteModel(_repoFolder, TinyModelVariant.Fp32, f => ClipTokenizer.Default.WriteHuggingFaceFiles(f));
        _hub.AddRepo(RepoId, _repoFolder);
        return new Dictionary<string, string?>
        {
            ["WebDiffusion:HubBaseUrl"] = _hub.BaseAddress.ToString(),
            ["WebDiffusion:RetryDelayMilliseconds"] = "10",
            ["WebDiffusion:MaxAttempts"] = "2",
        };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }

        if (_repoFolder is not null && Directory.Exists(_repoFolder))
        {
            Directory.Delete(_repoFolder, recursive: true);
        }
    }
}

public class ModelPullTests(ModelPullBrowserFixture fixture) : IClassFixture<ModelPullBrowserFixture>
{
    [Fact]
    public async Task A_model_downloaded_from_the_model_panel_appears_in_the_checkpoint_selector() => await fixture.WithPageAsync(nameof(A_model_downloaded_from_the_model_panel_appears_in_the_checkpoint_selector), async (page, errors) =>
    {
        const string name = "tiny-pulled";
        await fixture.OpenAppAsync(page, waitForLive: false);

        // The download button next to the checkpoint selector opens the model panel (in Settings).
        await page.GetByTestId("checkpoint-download").ClickAsync();
        var panel = page.GetByTestId("model-pull");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await panel.GetByTestId("pull-repo").FillAsync(ModelPullBrowserFixture.RepoId);
        await panel.GetByTestId("pull-name").FillAsync(name);
        await panel.GetByTestId("pull-start").ClickAsync();

        var item = panel.Locator($"[data-testid=pull-item][data-name='{name}']");
        await Assertions.Expect(item).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = 60_000 });
        await Assertions.Expect(item.GetByTestId("pull-bytes")).ToContainTextAsync("(100%)");
        await Assertions.Expect(item.GetByTestId("pull-error")).ToHaveCountAsync(0);
        Assert.True(File.Exists(Path.Combine(fixture.Server.ModelsDir, "Stable-diffusion", name, "unet", "model.onnx")));

        // The checkpoint list was refreshed by the panel: the new model is offered, usable, and can be selected.
        await page.GetByTestId("checkpoint-select").ClickAsync();
        var option = page.Locator(".n-base-select-option", new() { HasText = name });
        await Assertions.Expect(option).ToBeVisibleAsync();
        await Assertions.Expect(option).Not.ToHaveClassAsync(new Regex("n-base-select-option--disabled"));
        await option.ClickAsync();
        await Assertions.Expect(page.GetByTestId("checkpoint-select")).ToContainTextAsync(name);
        Assert.Empty(errors);
    });

    [Fact]
    public async Task A_refused_request_and_a_failed_download_show_the_servers_message() => await fixture.WithPageAsync(nameof(A_refused_request_and_a_failed_download_show_the_servers_message), async (page, errors) =>
    {
        await fixture.OpenAppAsync(page, waitForLive: false);
        await page.GetByTestId("tab-settings").ClickAsync();
        var panel = page.GetByTestId("model-pull");

        // Refused by the API (400): the notification carries its message and nothing is listed.
        await panel.GetByTestId("pull-repo").FillAsync("org/anything");
        await panel.GetByTestId("pull-name").FillAsync("../escape");
        await panel.GetByTestId("pull-start").ClickAsync();
        await Assertions.Expect(page.Locator(".n-notification")).ToContainTextAsync("not a plain folder name");
        await Assertions.Expect(panel.Locator("[data-testid=pull-item][data-name='../escape']")).ToHaveCountAsync(0);

        // Accepted, then failed at the hub (404): the item shows the error with the HTTP status.
        await panel.GetByTestId("pull-repo").FillAsync("org/missing");
        await panel.GetByTestId("pull-name").FillAsync("missing");
        await panel.GetByTestId("pull-start").ClickAsync();
        var item = panel.Locator("[data-testid=pull-item][data-name='missing']");
        await Assertions.Expect(item).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 60_000 });
        await Assertions.Expect(item.GetByTestId("pull-error")).ToContainTextAsync("HTTP 404");

        // The only errors the page saw are the refused POST (Chromium logs it, the fixture records the response).
        Assert.All(errors, e => Assert.True(e.Contains("400", StringComparison.Ordinal), e));
    });
}
