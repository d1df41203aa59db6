using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace WebDiffusion.Server.ModelDownload;

/// <summary>
/// The Hugging Face hub's HTTP API: <c>GET {hub}/api/models/{repo}/revision/{rev}</c> (commit id and file names),
/// <c>GET {hub}/api/models/{repo}/tree/{commit}?recursive=true</c> (sizes and checksums, paged by <c>Link</c> headers)
/// and <c>{hub}/{repo}/resolve/{commit}/{path}</c> (the files). Sends <c>HF_TOKEN</c> as a Bearer token to the hub
/// only (redirects to a CDN drop it) and never writes it anywhere.
/// </summary>
public sealed class HubClient : IDisposable
{
    private const int MaxTreePages = 200;
    private readonly HttpClient _http;
    private readonly IConfiguration _configuration;
    private readonly Uri? _baseUri;

    public HubClient(IOptions<ModelDownloadOptions> options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        _configuration = configuration;
        Options = options.Value;
        _baseUri = TryParseBase(Options.HubBaseUrl);
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 10,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Max(1, Options.RequestTimeoutSeconds)),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("WebDiffusion/0.1");
    }

    /// <summary>The hub's base address (with a trailing slash).</summary>
    public Uri BaseUri => _baseUri ?? throw new ModelPullException(
        $"WebDiffusion:HubBaseUrl '{Options.HubBaseUrl}' is not an http(s) address (default https://huggingface.co).");

    /// <summary>The download settings.</summary>
    public ModelDownloadOptions Options { get; }

    /// <summary>The address of one file of <paramref name="repo"/> at <paramref name="commit"/>.</summary>
    public Uri FileUri(string repo, string commit, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var escaped = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        return new Uri(BaseUri, $"{repo}/resolve/{Uri.EscapeDataString(commit)}/{escaped}");
    }

    /// <summary>Lists the repo at the request's revision; throws <see cref="ModelPullException"/> with the HTTP status.</summary>
    public async Task<HubRepoListing> ListAsync(ModelPullRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var revisionUri = new Uri(BaseUri, $"api/models/{request.Repo}/revision/{Uri.EscapeDataString(request.Revision)}");
        var what = $"listing {request.Repo} at {request.Revision}";
        var (commit, siblings) = await TransientRetry.RunAsync(what, Options, async (_, ct) =>
        {
            using var doc = await GetJsonAsync(revisionUri, what, ct).ConfigureAwait(false);
            return ReadRevision(doc.RootElement, request, what);
        }, cancellationToken).ConfigureAwait(false);

        var entries = new Dictionary<string, HubFile>(StringComparer.Ordinal);
        Uri? page = new(BaseUri, $"api/models/{request.Repo}/tree/{Uri.EscapeDataString(commit)}?recursive=true");
        for (var pages = 0; page is not null; pages++)
        {
            if (pages >= MaxTreePages)
            {
                throw new ModelPullException($"{what}: the file tree has more than {MaxTreePages} pages; refusing to list further.");
            }

            var current = page;
            (page, var files) = await TransientRetry.RunAsync(what, Options, (_, ct) => GetTreePageAsync(current, what, ct), cancellationToken).ConfigureAwait(false);
            foreach (var file in files)
            {
                entries[file.Path] = file;
            }
        }

        var listed = siblings.Select(path => entries.TryGetValue(path, out var file) ? file : new HubFile(path, -1, null, null)).ToList();
        listed.AddRange(entries.Values.Where(e => !siblings.Contains(e.Path)));
        return new HubRepoListing(request.Repo, request.Revision, commit, listed);
    }

    /// <summary>
    /// Sends <paramref name="request"/> with the token and waits for the response headers only, for at most
    /// <see cref="ModelDownloadOptions.RequestTimeoutSeconds"/> (a timeout surfaces as <see cref="TimeoutException"/>).
    /// </summary>
    public async Task<HttpResponseMessage> SendForHeadersAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = _configuration[ModelDownloadOptions.TokenKey];
        if (!string.IsNullOrWhiteSpace(token) && IsHubAddress(request.RequestUri))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, Options.RequestTimeoutSeconds)));
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer within {Options.RequestTimeoutSeconds} s", ex);
        }
    }

    public void Dispose() => _http.Dispose();

    private static Uri? TryParseBase(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }

        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    private bool IsHubAddress(Uri? uri) =>
        uri is not null && _baseUri is not null && string.Equals(uri.Host, _baseUri.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == _baseUri.Port;

    private async Task<JsonDocument> GetJsonAsync(Uri uri, string what, CancellationToken cancellationToken)
    {
        var (doc, _) = await GetJsonWithResponseAsync(uri, what, cancellationToken).ConfigureAwait(false);
        return doc;
    }

    private async Task<(JsonDocument Document, Uri? Next)> GetJsonWithResponseAsync(Uri uri, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await SendForHeadersAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw HubErrors.ForStatus(response.StatusCode, what, isListing: true);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, Options.RequestTimeoutSeconds)));
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var doc = await JsonDocument.ParseAsync(stream, default, timeout.Token).ConfigureAwait(false);
                return (doc, NextLink(response, uri));
            }
        }
        catch (JsonException ex)
        {
            throw new ModelPullException($"{what}: the hub's answer is not JSON ({ex.Message}); is WebDiffusion:HubBaseUrl a Hugging Face hub?", ex);
        }
    }

    private async Task<(Uri? Next, List<HubFile> Files)> GetTreePageAsync(Uri uri, string what, CancellationToken cancellationToken)
    {
        var (doc, next) = await GetJsonWithResponseAsync(uri, what, cancellationToken).ConfigureAwait(false);
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ModelPullException($"{what}: the tree listing is not a JSON array.");
            }

            var files = new List<HubFile>();
            foreach (var entry in doc.RootElement.EnumerateArray())
            {
                if (Text(entry, "type") is "file" && Text(entry, "path") is { Length: > 0 } path)
                {
                    var size = entry.TryGetProperty("size", out var s) && s.TryGetInt64(out var n) ? n : -1;
                    string? sha256 = null;
                    if (entry.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object)
                    {
                        sha256 = Text(lfs, "oid") ?? Text(lfs, "sha256");
                        if (lfs.TryGetProperty("size", out var ls) && ls.TryGetInt64(out var lfsSize))
                        {
                            size = lfsSize;
                        }
                    }

                    files.Add(new HubFile(path, size, sha256?.ToLowerInvariant(), sha256 is null ? Text(entry, "oid")?.ToLowerInvariant() : null));
                }
            }

            return (next, files);
        }
    }

    private static (string Commit, HashSet<string> Siblings) ReadRevision(JsonElement root, ModelPullRequest request, string what)
    {
        if (root.ValueKind != JsonValueKind.Object || Text(root, "sha") is not { Length: > 0 } sha
            || !root.TryGetProperty("siblings", out var siblings) || siblings.ValueKind != JsonValueKind.Array)
        {
            throw new ModelPullException($"{what}: the hub's answer has no commit id (sha) or file list (siblings).");
        }

        if (!sha.All(char.IsAsciiLetterOrDigit))
        {
            throw new ModelPullException($"{what}: the hub answered with an unexpected commit id for {request.Repo}.");
        }

        var names = siblings.EnumerateArray().Select(s => Text(s, "rfilename")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return (sha, names);
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private Uri? NextLink(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var part in values.SelectMany(v => v.Split(',')))
        {
            var open = part.IndexOf('<', StringComparison.Ordinal);
            var close = part.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open && part.Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase)
                && Uri.TryCreate(current, part[(open + 1)..close], out var next))
            {
                return IsHubAddress(next) ? next : throw new ModelPullException($"The hub's next-page link points to another host ({next.Host}); refusing to follow it.");
            }
        }

        return null;
    }
}
