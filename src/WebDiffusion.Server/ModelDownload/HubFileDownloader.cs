using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace WebDiffusion.Server.ModelDownload;

/// <summary>
/// Downloads one file into <c>&lt;destination&gt;.partial</c>, resuming with an HTTP Range request after a cut
/// connection (within this run, and in a later run), then checks its size and checksum and renames it into place.
/// A file that fails the check is deleted.
/// </summary>
internal sealed class HubFileDownloader(HubClient hub)
{
    /// <summary>Suffix of a file still being downloaded.</summary>
    public const string PartialSuffix = ".partial";

    public async Task DownloadAsync(HubRepoListing listing, HubFile file, string destination, PullProgressTracker tracker, CancellationToken cancellationToken)
    {
        if (File.Exists(destination))
        {
            if (await MatchesAsync(destination, file, cancellationToken).ConfigureAwait(false) is null)
            {
                tracker.CompleteFile(file.Size);
                return;
            }

            File.Delete(destination);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var partial = destination + PartialSuffix;
        var uri = hub.FileUri(listing.Repo, listing.CommitId, file.Path);
        await TransientRetry.RunAsync(file.Path, hub.Options, async (_, ct) =>
        {
            await TransferAsync(uri, file, partial, tracker, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

        var problem = await MatchesAsync(partial, file, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            File.Delete(partial);
            throw new ModelPullException($"{file.Path}: {problem}; the bad file was deleted. Run the same command again to fetch it again.");
        }

        File.Move(partial, destination, overwrite: true);
        tracker.CompleteFile(file.Size);
    }

    /// <summary>Null when <paramref name="path"/> has the listed size and checksum, else what differs.</summary>
    private static async Task<string?> MatchesAsync(string path, HubFile file, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (length != file.Size)
        {
            return $"size mismatch (expected {file.Size} bytes, got {length})";
        }

        var actual = await FileChecksum.ComputeAsync(path, file, cancellationToken).ConfigureAwait(false);
        var expected = FileChecksum.Expected(file);
        return string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"checksum mismatch (expected {file.ChecksumText}, got {actual})";
    }

    private async Task TransferAsync(Uri uri, HubFile file, string partial, PullProgressTracker tracker, CancellationToken cancellationToken)
    {
        var existing = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (existing > file.Size)
        {
            File.Delete(partial);
            existing = 0;
        }

        tracker.SetFileBytes(existing);
        if (existing == file.Size && existing > 0)
        {
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (existing > 0)
        {
            request.Headers.Range = new RangeHeaderValue(existing, null);
        }

        using var response = await hub.SendForHeadersAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            File.Delete(partial);
            throw new TransientPullException($"{file.Path}: HTTP 416 for bytes {existing}-; starting the file again.");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw HubErrors.ForStatus(response.StatusCode, file.Path, isListing: false);
        }

        var append = response.StatusCode == HttpStatusCode.PartialContent;
        if (append && (existing == 0 || response.Content.Headers.ContentRange?.From != existing))
        {
            File.Delete(partial);
            throw new TransientPullException($"{file.Path}: the hub answered the resume with an unexpected range; starting the file again.");
        }

        if (!append)
        {
            existing = 0;
            tracker.SetFileBytes(0);
        }

        var written = await CopyAsync(response, partial, append, existing, file, tracker, cancellationToken).ConfigureAwait(false);
        if (existing + written < file.Size)
        {
            throw new TransientPullException($"{file.Path}: the connection closed after {existing + written} of {file.Size} bytes.");
        }
    }

    private async Task<long> CopyAsync(HttpResponseMessage response, string partial, bool append, long existing, HubFile file,
        PullProgressTracker tracker, CancellationToken cancellationToken)
    {
        var readTimeout = TimeSpan.FromSeconds(Math.Max(1, hub.Options.ReadTimeoutSeconds));
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        long written = 0;
        try
        {
            var output = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using (output.ConfigureAwait(false))
            {
                var input = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (input.ConfigureAwait(false))
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    while (true)
                    {
                        idle.CancelAfter(readTimeout);
                        int read;
                        try
                        {
                            read = await input.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                        {
                            throw new TimeoutException($"no data for {readTimeout.TotalSeconds:0} s", ex);
                        }

                        if (read == 0)
                        {
                            return written;
                        }

                        if (existing + written + read > file.Size)
                        {
                            throw new TransientPullException($"{file.Path}: the hub sent more than the listed {file.Size} bytes.");
                        }

                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        written += read;
                        tracker.AddTransferred(read);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
