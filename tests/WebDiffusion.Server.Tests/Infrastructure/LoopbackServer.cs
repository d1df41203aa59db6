using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using WebDiffusion.Server.Hosting;

namespace WebDiffusion.Server.Tests.Infrastructure;

/// <summary>The real server on a free loopback port, with its own temporary models and data folders.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri baseAddress, string tempRoot)
    {
        _app = app;
        BaseAddress = baseAddress;
        TempRoot = tempRoot;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri BaseAddress { get; }

    public string TempRoot { get; }

    public string ModelsDir => System.IO.Path.Combine(TempRoot, "models");

    public string DataDir => System.IO.Path.Combine(TempRoot, "data");

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<LoopbackServer> StartAsync(IEnumerable<string>? extraArgs = null, Action<string>? prepare = null, Action<WebApplicationBuilder>? configure = null)
    {
        var temp = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wd-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(System.IO.Path.Combine(temp, "models"));
        Directory.CreateDirectory(System.IO.Path.Combine(temp, "data"));
        prepare?.Invoke(temp);
        var args = new List<string>
        {
            "--content-root", RepositoryRoot.Path,
            "--port", "0",
            "--models-dir", System.IO.Path.Combine(temp, "models"),
            "--data-dir", System.IO.Path.Combine(temp, "data"),
        };
        if (extraArgs is not null)
        {
            args.AddRange(extraArgs);
        }

        var app = WebDiffusionApp.Build(CommandLine.Parse(args), configure);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // With --listen Kestrel reports 0.0.0.0; tests still talk to it over loopback.
        var uri = new UriBuilder(new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal))).Uri;
        return new LoopbackServer(app, uri, temp);
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
}
