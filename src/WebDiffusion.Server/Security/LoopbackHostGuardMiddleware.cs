using System.Net;

namespace WebDiffusion.Server.Security;

/// <summary>
/// DNS-rebinding guard for the default, unauthenticated loopback mode: a page on evil.example whose name is
/// re-pointed at 127.0.0.1 reaches this server with <c>Host: evil.example</c>, so without credentials only loopback
/// host names (localhost, *.localhost, 127.x.x.x, [::1]) are served. Off when credentials or <c>--listen</c> are set.
/// </summary>
public sealed class LoopbackHostGuardMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, SecurityMode mode)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(mode);
        if (mode.AuthEnabled || !mode.LoopbackOnly || IsLoopbackName(context.Request.Host))
        {
            return next(context);
        }

        return SecurityResponses.WriteErrorAsync(
            context,
            StatusCodes.Status403Forbidden,
            "This server runs without authentication and only answers requests addressed to localhost or 127.0.0.1.");
    }

    /// <summary>Whether the Host header names this machine's loopback interface (or is absent, as in HTTP/1.0).</summary>
    public static bool IsLoopbackName(HostString host)
    {
        if (!host.HasValue)
        {
            return true;
        }

        var name = host.Host.Trim('[', ']');
        return string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var ip) && IPAddress.IsLoopback(ip));
    }
}
