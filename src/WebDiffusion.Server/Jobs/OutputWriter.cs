using System.Globalization;
using System.Text.RegularExpressions;
using WebDiffusion.Server.Hosting;

namespace WebDiffusion.Server.Jobs;

/// <summary>
/// Saves images in A1111's layout: <c>outputs/txt2img-images/YYYY-MM-DD/00000-&lt;seed&gt;.png</c> (and img2img-images);
/// Extras go to <c>outputs/extras-images/00000.png</c> with no date folder and no seed (A1111 saves them with
/// <c>no_prompt</c> and <c>short_filename</c>). Each file is written to a temporary name, flushed to disk, then renamed,
/// so no reader ever sees half a PNG.
/// </summary>
public sealed partial class OutputWriter(WebDiffusionPaths paths, TimeProvider time)
{
    private readonly Lock _gate = new();

    /// <summary>Writes <paramref name="png"/>; returns the path relative to the outputs folder.</summary>
    public async Task<string> SaveAsync(string mode, long seed, byte[] png, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(png);
        var category = CategoryOf(mode);
        var extras = category == ExtrasFolder;
        var folder = extras
            ? Path.Combine(paths.OutputsDir, category)
            : Path.Combine(paths.OutputsDir, category, time.GetLocalNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        string fullPath;
        FileStream stream;
        lock (_gate)
        {
            var number = NextNumber(folder);
            fullPath = Path.Combine(folder, extras
                ? string.Create(CultureInfo.InvariantCulture, $"{number:D5}.png")
                : string.Create(CultureInfo.InvariantCulture, $"{number:D5}-{seed}.png"));
            // Reserve the final name's number by creating the temp file while holding the lock.
            stream = new FileStream(fullPath + ".tmp", FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        }

        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(png, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(fullPath + ".tmp", fullPath, overwrite: false);
        return Path.GetRelativePath(paths.OutputsDir, fullPath);
    }

    /// <summary>The folder of Extras outputs, directly under the outputs folder.</summary>
    public const string ExtrasFolder = "extras-images";

    /// <summary>The folder under outputs/ that images of <paramref name="mode"/> (txt2img, img2img, extras) go to.</summary>
    public static string CategoryOf(string mode) => mode switch
    {
        "img2img" => "img2img-images",
        "extras" => ExtrasFolder,
        _ => "txt2img-images",
    };

    /// <summary>Resolves a stored relative path to a full path inside the outputs folder, or null if it escapes it.</summary>
    public string? Resolve(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var root = Path.GetFullPath(paths.OutputsDir) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        return full.StartsWith(root, StringComparison.Ordinal) ? full : null;
    }

    /// <summary>Removes temporary files left by a crash (they were never indexed).</summary>
    public int CleanTemporaryFiles()
    {
        if (!Directory.Exists(paths.OutputsDir))
        {
            return 0;
        }

        var count = 0;
        foreach (var file in Directory.EnumerateFiles(paths.OutputsDir, "*.tmp", SearchOption.AllDirectories))
        {
            File.Delete(file);
            count++;
        }

        return count;
    }

    private static int NextNumber(string folder)
    {
        var max = -1;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var match = LeadingNumber().Match(Path.GetFileName(file));
            if (match.Success && int.TryParse(match.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                max = Math.Max(max, n);
            }
        }

        return max + 1;
    }

    [GeneratedRegex("^[0-9]+")]
    private static partial Regex LeadingNumber();
}
