namespace WebDiffusion.Server.Security;

/// <summary>Return URLs after sign-in: only paths on this server, never another host (no open redirect).</summary>
public static class LocalUrl
{
    private const int MaxLength = 2048;

    /// <summary>
    /// Whether <paramref name="url"/> is a path on this server: it starts with a single <c>/</c>, and has no
    /// <c>//</c> or <c>/\</c> prefix (which browsers read as another host), no backslash and no control character.
    /// </summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) &&
        url.Length <= MaxLength &&
        url[0] == '/' &&
        (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) &&
        !url.Contains('\\', StringComparison.Ordinal) &&
        !url.Any(char.IsControl);

    /// <summary><paramref name="url"/> when local, else "/".</summary>
    public static string OrRoot(string? url) => IsLocal(url) ? url! : "/";
}
