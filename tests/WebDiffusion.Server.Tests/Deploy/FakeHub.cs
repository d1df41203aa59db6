using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WebDiffusion.Server.Tests.Deploy;

/// <summary>
/// A Hugging Face hub on 127.0.0.1 serving repos from folders: the revision and tree APIs (tree in pages of
/// <see cref="TreePageSize"/> with Link headers) and resolve/ with Range. It records every request and can require a
/// token, cut a file's transfer half way once, or serve a file with wrong bytes.
/// </summary>
public sealed class FakeHub : IAsyncDisposable
{
    public const string CommitId = "0123456789abcdef0123456789abcdef01234567";
    private const int TreePageSize = 7;
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _repos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _cutsLeft = new(StringComparer.Ordinal);

    private FakeHub(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request: method, path and query, Range and Authorization headers.</summary>
    public ConcurrentQueue<(string PathAndQuery, string? Range, string? Authorization)> Requests { get; } = new();

    /// <summary>When set, requests without "Bearer {token}" get 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Repo paths served with their last byte flipped (the listing keeps the true checksum).</summary>
    public ConcurrentDictionary<string, bool> Corrupt { get; } = new(StringComparer.Ordinal);

    public static async Task<FakeHub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var hub = new FakeHub(app);
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            hub.Requests.Enqueue((request.Path + request.QueryString, request.Headers.Range.FirstOrDefault(), request.Headers.Authorization.FirstOrDefault()));
            if (hub.RequiredToken is { } token && request.Headers.Authorization.FirstOrDefault() != "Bearer " + token)
            {
                context.Response.StatusCode = 401;
                await context.Response.WriteAsync("{\"error\":\"Invalid credentials\"}");
                return;
            }

            await next(context);
        });
        app.MapGet("/api/models/{owner}/{name}/revision/{revision}", (string owner, string name, string revision) =>
            hub.Folder(owner, name) is { } folder
                ? Results.Json(new { id = owner + "/" + name, sha = CommitId, siblings = Files(folder).Select(f => new { rfilename = f }) })
                : Results.Json(new { error = "Repository not found" }, statusCode: 404));
        app.MapGet("/api/models/{owner}/{name}/tree/{revision}", (HttpContext context, string owner, string name, string revision, int? cursor) =>
        {
            if (hub.Folder(owner, name) is not { } folder || revision != CommitId)
            {
                return Results.Json(new { error = "Not found" }, statusCode: 404);
            }

            var files = Files(folder);
            var start = cursor ?? 0;
            if (start + TreePageSize < files.Count)
            {
                context.Response.Headers.Link = $"<{hub.BaseAddress}api/models/{owner}/{name}/tree/{revision}?recursive=true&cursor={start + TreePageSize}>; rel=\"next\"";
            }

            return Results.Json(files.Skip(start).Take(TreePageSize).Select(f => Entry(folder, f)));
        });
        app.MapGet("/{owner}/{name}/resolve/{revision}/{**path}", hub.ServeFileAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        hub.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return hub;
    }

    public void AddRepo(string repo, string folder) => _repos[repo] = folder;

    /// <summary>The next transfer of <paramref name="path"/> sends half its bytes, then drops the connection.</summary>
    public void CutOnce(string path) => _cutsLeft[path] = 1;

    public IEnumerable<string> RangesFor(string path) =>
        Requests.Where(r => r.PathAndQuery.EndsWith("/" + path, StringComparison.Ordinal) && r.Range is not null).Select(r => r.Range!);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public static string Sha256Of(string file) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));

    private string? Folder(string owner, string name) => _repos.TryGetValue(owner + "/" + name, out var folder) ? folder : null;

    private static List<string> Files(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    private static object Entry(string folder, string path)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder, path));
        var gitOid = Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {bytes.Length}\0"), .. bytes]));
        return bytes.Length > 1024
            ? new { type = "file", oid = gitOid, size = (long)bytes.Length, path, lfs = (object?)new { oid = Convert.ToHexStringLower(SHA256.HashData(bytes)), size = (long)bytes.Length, pointerSize = 134 } }
            : new { type = "file", oid = gitOid, size = (long)bytes.Length, path, lfs = (object?)null };
    }

    private async Task ServeFileAsync(HttpContext context, string owner, string name, string revision, string path)
    {
        var folder = Folder(owner, name);
        var file = folder is null ? null : Path.Combine(folder, path);
        if (file is null || revision != CommitId || !File.Exists(file))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var bytes = await File.ReadAllBytesAsync(file);
        if (Corrupt.ContainsKey(path))
        {
            bytes[^1] ^= 0xFF;
        }

        long start = 0;
        var range = context.Request.Headers.Range.FirstOrDefault();
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (start >= bytes.Length)
            {
                context.Response.StatusCode = 416;
                return;
            }

            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {start}-{bytes.Length - 1}/{bytes.Length}";
        }

        var body = bytes.AsMemory((int)start);
        context.Response.ContentLength = body.Length;
        context.Response.ContentType = "application/octet-stream";
        if (_cutsLeft.TryGetValue(path, out var cuts) && cuts > 0 && _cutsLeft.TryUpdate(path, cuts - 1, cuts))
        {
            // Half the bytes, then the response ends: Kestrel closes the connection short of Content-Length.
            await context.Response.Body.WriteAsync(body[..(body.Length / 2)]);
            await context.Response.Body.FlushAsync();
            return;
        }

        await context.Response.Body.WriteAsync(body);
    }
}
