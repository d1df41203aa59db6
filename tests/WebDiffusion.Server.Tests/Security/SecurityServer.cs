using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Security;

/// <summary>
/// The real server on a free port (like <see cref="LoopbackServer"/>) with extra configuration values
/// (limits, rate limits) that have no command-line flag.
/// </summary>
public sealed class SecurityServer : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "Corr3ct-Horse-Battery";

    private readonly WebApplication _app;

    private SecurityServer(WebApplication app, Uri baseAddress, string tempRoot)
    {
        _app = app;
        BaseAddress = baseAddress;
        TempRoot = tempRoot;
        Client = CreateClient();
    }

    public Uri BaseAddress { get; }

    public string TempRoot { get; }

    public string DataDir => Path.Combine(TempRoot, "data");

    /// <summary>The server's origin as a browser page of its own would send it.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    /// <summary>A client without cookies that does not follow redirects.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<SecurityServer> WithAuthAsync(IDictionary<string, string?>? settings = null) =>
        StartAsync(["--api-auth", User + ":" + Password], settings);

    public static async Task<SecurityServer> StartAsync(IEnumerable<string>? extraArgs = null, IDictionary<string, string?>? settings = null)
    {
        var temp = Path.Combine(Path.GetTempPath(), "wd-sec-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(temp, "models"));
        Directory.CreateDirectory(Path.Combine(temp, "data"));
        var args = new List<string>
        {
            "--content-root", RepositoryRoot.Path,
            "--port", "0",
            "--models-dir", Path.Combine(temp, "models"),
            "--data-dir", Path.Combine(temp, "data"),
        };
        args.AddRange(extraArgs ?? []);
        var app = WebDiffusionApp.Build(CommandLine.Parse(args), builder =>
        {
            builder.Services.AddSingleton<IJobExecutor, IdleExecutor>();
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new SecurityServer(app, new UriBuilder(address) { Host = "127.0.0.1" }.Uri, temp);
    }

    /// <summary>A client that keeps cookies (like a browser) and does not follow redirects.</summary>
    public HttpClient CreateClient(CookieContainer? cookies = null)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies is not null };
        if (cookies is not null)
        {
            handler.CookieContainer = cookies;
        }

        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Signs in through the JSON login and returns a client holding the cookie.</summary>
    public async Task<HttpClient> SignedInClientAsync()
    {
        var client = CreateClient(new CookieContainer());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = JsonContent($$"""{"username":"{{User}}","password":"{{Password}}"}"""),
        };
        request.Headers.Add("Origin", Origin);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return client;
    }

    public static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    /// <summary>Everything the server has logged to its files so far.</summary>
    public string ReadLogs()
    {
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(Path.Combine(DataDir, "logs"), "*.log"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            text.Append(reader.ReadToEnd());
        }

        return text.ToString();
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
            // A log file still open on a slow shutdown; the temp folder is cleaned by the OS.
        }
    }
}
