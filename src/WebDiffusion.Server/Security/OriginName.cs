namespace WebDiffusion.Server.Security;

/// <summary>Web origins (<c>scheme://host[:port]</c>) in one canonical spelling, and same-origin checks against the Host header.</summary>
public static class OriginName
{
    /// <summary>
    /// Canonical form of an origin given as <c>http(s)://host[:port]</c> (an optional trailing slash is allowed):
    /// lower-case, default port omitted. Null when <paramref name="text"/> is not such an origin.
    /// </summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) ||
            !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
            uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }

    /// <summary>The origin part (<c>scheme://host[:port]</c>) of an absolute http(s) URL, or null.</summary>
    public static string? OriginOf(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;

    /// <summary>
    /// Whether the URL (an Origin or Referer value) points at the host the request was sent to. Host names compare
    /// case-insensitively; ports compare when the Host header carries one (behind a TLS proxy it often does not).
    /// </summary>
    public static bool IsSameHost(string? url, HostString host)
    {
        if (string.IsNullOrEmpty(url) || !host.HasValue ||
            !Uri.TryCreate(url, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        if (!string.Equals(uri.IdnHost.Trim('[', ']'), host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return host.Port is not { } port || port == uri.Port;
    }
}
