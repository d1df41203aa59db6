namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>
/// The canonical path of a file with every symbolic link on the way resolved (POSIX <c>realpath</c>). ORT refuses external
/// data whose resolved path leaves the folder it was given, so a checkpoint reached through a linked file or folder (A1111
/// users often link their models folder) must be named by where it really is.
/// </summary>
public static class RealPath
{
    private const int MaxLinks = 40;

    /// <summary>The real path of <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The links loop or nest more than 40 deep.</exception>
    public static string Of(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        for (var followed = 0; followed <= MaxLinks; followed++)
        {
            var resolved = ResolveFirstLink(full);
            if (resolved is null)
            {
                return full;
            }

            full = resolved;
        }

        throw new IOException($"Too many symbolic links while resolving '{path}'.");
    }

    /// <summary>The path with its first linked component replaced by the link's target, or null when no component is a link.</summary>
    private static string? ResolveFirstLink(string full)
    {
        var root = Path.GetPathRoot(full)!;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            var info = new FileInfo(current);
            if (info.LinkTarget is not { } target)
            {
                continue;
            }

            var absolute = Path.GetFullPath(target, Path.GetDirectoryName(current)!);
            return Path.Combine([absolute, .. parts[(i + 1)..]]);
        }

        return null;
    }
}
