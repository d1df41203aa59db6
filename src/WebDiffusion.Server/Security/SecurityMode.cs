using Microsoft.Extensions.Options;
using WebDiffusion.Server.Options;

namespace WebDiffusion.Server.Security;

/// <summary>The security posture decided by the options: authentication on or off, loopback-only, allowed CORS origins.</summary>
public sealed class SecurityMode(IOptions<WebDiffusionOptions> options)
{
    private readonly Lazy<HashSet<string>> _corsOrigins = new(() =>
        [.. (options.Value.CorsOrigins ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(OriginName.Normalize)
            .OfType<string>()]);

    /// <summary>Credentials are configured: every route but /health and /login needs a signed-in user.</summary>
    public bool AuthEnabled => options.Value.HasCredentials;

    /// <summary>Bound to 127.0.0.1 only (no <c>--listen</c>).</summary>
    public bool LoopbackOnly => !options.Value.Listen;

    /// <summary>
    /// One person's own machine: bound to loopback with no credentials configured. Everyone is the same "local" owner, so
    /// per-user job quotas (meant to share a public server fairly) do not apply; the queue's total bound still does.
    /// </summary>
    public bool IsLocalUse => LoopbackOnly && !AuthEnabled;

    /// <summary>The canonical origins of <c>CorsOrigins</c>.</summary>
    public IReadOnlyCollection<string> CorsOrigins => _corsOrigins.Value;

    /// <summary>Whether a browser page at <paramref name="origin"/> was explicitly allowed by <c>--cors-allow-origins</c>.</summary>
    public bool IsAllowedCorsOrigin(string? origin) => OriginName.Normalize(origin) is { } o && _corsOrigins.Value.Contains(o);
}
