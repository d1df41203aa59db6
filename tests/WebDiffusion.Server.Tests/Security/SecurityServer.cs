using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
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

    private readonly LoopbackServer _server;

    private SecurityServer(LoopbackServer server)
    {
        _server = server;
        Client = CreateClient();
    }

    public Uri BaseAddress => _server.BaseAddress;

    public string TempRoot => _server.TempRoot;

    public string DataDir => _server.DataDir;

    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    public HttpClient Client { get; }

    public IServiceProvider Services => _server.Services;

    public static Task<SecurityServer> WithAuthAsync(IDictionary<string, string?>? settings = null) =>
        StartAsync(["--api-auth", User + ":" + Password], settings);

    public static async Task<SecurityServer> StartAsync(IEnumerable<string>? extraArgs = null, IDictionary<string, string?>? settings = null)
    {
        var server = await LoopbackServer.StartAsync(extraArgs, configure: builder =>
        {
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }
        });
        return new SecurityServer(server);
    }

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
        await _server.DisposeAsync();
    }
}
