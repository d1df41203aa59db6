using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.ModelKit;
using WebDiffusion.Server.Cli;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Deploy;

/// <summary>The WebDiffusion app built with its own temp models/data folders and extra settings (HubBaseUrl, HF_TOKEN …).</summary>
public sealed class DeployTestApp : IAsyncDisposable
{
    private bool _started;

    private DeployTestApp(WebApplication app, string root)
    {
        App = app;
        Root = root;
    }

    public WebApplication App { get; }

    public string Root { get; }

    public string ModelsDir => Path.Combine(Root, "models");

    public string CheckpointsDir => Path.Combine(ModelsDir, "Stable-diffusion");

    public string DataDir => Path.Combine(Root, "data");

    public static string NewTempFolder(string purpose)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"wd-{purpose}-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Writes the tiny fp32 model (weights in unet/weights.pb) with the default CLIP tokenizer files.</summary>
    public static void WriteTinyModel(string folder) =>
        TinyModelWriter.WriteModel(folder, TinyModelVariant.Fp32, ClipTokenizer.Default.WriteHuggingFaceFiles);

    public static DeployTestApp Create(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var root = NewTempFolder("deploy");
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["WebDiffusion:Port"] = "0",
            ["WebDiffusion:ModelsDir"] = Path.Combine(root, "models"),
            ["WebDiffusion:DataDir"] = Path.Combine(root, "data"),
            ["WebDiffusion:RetryDelayMilliseconds"] = "10",
            ["WebDiffusion:MaxAttempts"] = "3",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = WebDiffusionApp.Build(new CommandLine(all, [], false, RepositoryRoot.Path), configure);
        return new DeployTestApp(app, root);
    }

    public async Task<(int ExitCode, string Output)> RunVerbAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await App.Services.GetRequiredService<VerbDispatcher>().RunAsync(args, output, CancellationToken.None);
        return (code, output.ToString());
    }

    public async Task<HttpClient> StartAsync()
    {
        await App.StartAsync();
        _started = true;
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await App.StopAsync();
        }

        await App.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Cleaned by the OS.
        }
    }
}
