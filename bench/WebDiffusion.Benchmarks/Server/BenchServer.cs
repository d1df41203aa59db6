using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.ModelKit;
using WebDiffusion.Server.Hosting;

namespace WebDiffusion.Benchmarks.Server;

/// <summary>
/// The real server in this process on a free loopback port, with temp models (the tiny fp32 model as "tiny") and data
/// folders, logging at Warning so the console stays readable, and the per-client rate limit off unless
/// <c>WebDiffusion:RateLimit:PermitLimit</c> is given (one client polling a job would otherwise hit it).
/// </summary>
public sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchServer(WebApplication app, Uri baseAddress, string tempRoot)
    {
        _app = app;
        BaseAddress = baseAddress;
        TempRoot = tempRoot;
    }

    public Uri BaseAddress { get; }

    public string TempRoot { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<BenchServer> StartAsync(IEnumerable<string>? extraArgs = null, IDictionary<string, string?>? settings = null)
    {
        var temp = Path.Combine(Path.GetTempPath(), "wd-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(temp, "data"));
        TinyModelWriter.WriteModel(Path.Combine(temp, "models", "Stable-diffusion", "tiny"), TinyModelVariant.Fp32, f => ClipTokenizer.Default.WriteHuggingFaceFiles(f));
        var args = new List<string>
        {
            "--content-root", RepositoryRoot(),
            "--port", "0",
            "--models-dir", Path.Combine(temp, "models"),
            "--data-dir", Path.Combine(temp, "data"),
        };
        args.AddRange(extraArgs ?? []);
        var config = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime"] = "Warning",
            ["WebDiffusion:RateLimit:PermitLimit"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = WebDiffusionApp.Build(global::WebDiffusion.Server.Hosting.CommandLine.Parse(args), builder => builder.Configuration.AddInMemoryCollection(config));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BenchServer(app, new Uri(address), temp);
    }

    /// <summary>A client for this server; with <paramref name="basicAuth"/> ("user:pass") it sends HTTP Basic on every request.</summary>
    public HttpClient NewClient(string? basicAuth = null, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(120) };
        if (basicAuth is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basicAuth)));
        }

        return client;
    }

    /// <summary>A tiny txt2img job body (64×64 by default: 8×8 latents).</summary>
    public static object TinyJob(int steps = 2, int size = 64, int seed = 1, int batchCount = 1, string sampler = "Euler") =>
        new { mode = "txt2img", prompt = "a small red house", negative_prompt = "blurry", steps, seed, width = size, height = size, n_iter = batchCount, sampler_name = sampler, cfg_scale = 5 };

    /// <summary>Posts a job; returns its id (throws unless 202).</summary>
    public static async Task<string> SubmitAsync(HttpClient client, object body)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"submit: {(int)response.StatusCode} {text}");
        }

        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Polls GET /api/jobs/{id} until the job ends; returns its final state.</summary>
    public static async Task<string> WaitAsync(HttpClient client, string id, TimeSpan timeout, int pollMs = 20)
    {
        ArgumentNullException.ThrowIfNull(client);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/jobs/{id}", UriKind.Relative)));
            var state = doc.RootElement.GetProperty("state").GetString()!;
            if (state is "done" or "failed" or "cancelled" or "interrupted")
            {
                return state;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"job {id} still {state} after {timeout}");
            }

            await Task.Delay(pollMs);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(TempRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "WebDiffusion.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("WebDiffusion.sln not found above " + AppContext.BaseDirectory);
    }
}
