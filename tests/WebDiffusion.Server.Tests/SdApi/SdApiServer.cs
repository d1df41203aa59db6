using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary>
/// The real server on a free loopback port (as <see cref="LoopbackServer"/>), with a stand-in job executor registered
/// before the server's own services: builds without a generation pipeline can still start, and a real registration
/// (added later) takes precedence. These tests run no jobs.
/// </summary>
public sealed class SdApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SdApiServer(WebApplication app, Uri baseAddress, string tempRoot)
    {
        _app = app;
        BaseAddress = baseAddress;
        TempRoot = tempRoot;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public string TempRoot { get; }

    public string ModelsDir => Path.Combine(TempRoot, "models");

    public string DataDir => Path.Combine(TempRoot, "data");

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server over a new temporary root (models/, data/); <paramref name="extraArgs"/> come last and win.</summary>
    public static async Task<SdApiServer> StartAsync(IEnumerable<string>? extraArgs = null, Action<string>? prepare = null)
    {
        var temp = Path.Combine(Path.GetTempPath(), "wd-sdapi-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(temp, "models"));
        Directory.CreateDirectory(Path.Combine(temp, "data"));
        prepare?.Invoke(temp);
        var args = new List<string>
        {
            "--content-root", RepositoryRoot.Path,
            "--port", "0",
            "--models-dir", Path.Combine(temp, "models"),
            "--data-dir", Path.Combine(temp, "data"),
        };
        args.AddRange(extraArgs ?? []);
        var app = WebDiffusionApp.Build(CommandLine.Parse(args), builder => builder.Services.AddSingleton<IJobExecutor, NoJobsExecutor>());
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SdApiServer(app, new Uri(address), temp);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(TempRoot, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown; the temp folder is cleaned by the OS.
        }
    }

    private sealed class NoJobsExecutor : IJobExecutor
    {
        public (int Images, int StepsPerImage) Plan(JobRecord job) => (1, 1);

        public Task ExecuteAsync(JobExecution execution, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The /sdapi tests do not generate images.");
    }
}
