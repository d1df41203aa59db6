using System.Diagnostics;
using System.Globalization;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Infotext;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.Jobs;

/// <summary>
/// Start-up reconciliation of the outputs folder with the image index, so that files on disk and index rows agree
/// after a crash (e.g. between a file's rename and its <see cref="JobStore.AddImage"/>): PNGs the index does not know
/// are indexed from their own <c>parameters</c>/<c>postprocessing</c> text, and rows whose file is gone are removed.
/// Only the sets of relative paths are compared; files already indexed are never opened.
/// </summary>
public sealed class OutputReconciler(WebDiffusionPaths paths, JobStore store, ILogger<OutputReconciler> logger)
{
    private static readonly PngDecoderOptions ReadOptions = PngDecoderOptions.Default;

    /// <summary>Indexes unknown PNGs and drops rows without a file; logs and returns the counts.</summary>
    public async Task<OutputReconciliation> ReconcileAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var root = paths.OutputsDir;
        var onDisk = Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*.png", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        var indexed = store.AllImagePaths().ToHashSet(StringComparer.Ordinal);

        var missing = indexed.Where(p => !onDisk.Contains(p)).ToList();
        var removed = store.DeleteImagesByPath(missing);

        var added = 0;
        var unreadable = 0;
        foreach (var relative in onDisk.Where(p => !indexed.Contains(p)).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = await ReadAsync(root, relative, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                unreadable++;
                continue;
            }

            store.AddImage(record);
            added++;
        }

        var result = new OutputReconciliation(added, removed, unreadable);
        logger.LogInformation(
            "Image index reconciled in {Milliseconds} ms: {Files} PNG file(s), {Added} unindexed file(s) added, {Removed} row(s) without a file removed, {Unreadable} unreadable file(s) left out",
            clock.ElapsedMilliseconds, onDisk.Count, result.Added, result.Removed, result.Unreadable);
        return result;
    }

    private async Task<ImageRecord?> ReadAsync(string root, string relative, CancellationToken cancellationToken)
    {
        var full = Path.Combine(root, relative);
        PngHeader header;
        IReadOnlyList<PngTextEntry> texts;
        try
        {
            var bytes = await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
            (header, texts) = PngDecoder.ReadTexts(bytes, ReadOptions);
        }
        catch (Exception ex) when (ex is InvalidImageException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Output {Path} is not indexed: it cannot be read as a PNG ({Reason})", relative, ex.Message);
            return null;
        }

        var created = new DateTimeOffset(File.GetLastWriteTimeUtc(full), TimeSpan.Zero);
        var parameters = Text(texts, "parameters");
        var extras = relative.StartsWith(OutputWriter.ExtrasFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (extras)
        {
            // As ExtrasProcessor records them: no job, empty prompt, the postprocessing text as infotext.
            return new ImageRecord(NewId(), null, ClientIdentity.LocalOwner, relative, 0,
                header.Width, header.Height, string.Empty, Text(texts, "postprocessing") ?? string.Empty, created, ImageKind.Extras);
        }

        var parsed = parameters is null ? null : InfotextParser.Parse(parameters);
        var seed = long.TryParse(parsed?["Seed"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var img2img = relative.StartsWith(OutputWriter.CategoryOf("img2img") + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        var job = store.FindJobRunningAt(created, img2img);
        return new ImageRecord(NewId(), job?.Id, job?.Owner ?? ClientIdentity.LocalOwner, relative, seed,
            header.Width, header.Height, parsed?.Prompt ?? string.Empty, parameters ?? string.Empty, created, ImageKind.Generated);
    }

    private static string? Text(IReadOnlyList<PngTextEntry> texts, string keyword) =>
        texts.LastOrDefault(t => string.Equals(t.Keyword, keyword, StringComparison.Ordinal))?.Text;

    private static string NewId() => Guid.NewGuid().ToString("N");
}
