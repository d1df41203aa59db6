namespace WebDiffusion.Server.Security;

/// <summary>
/// Cross-site request forgery guard, for state-changing requests (POST, PUT, PATCH, DELETE …) and WebSocket
/// handshakes, in every mode (with or without authentication: an open loopback server is a CSRF target too):
/// <list type="number">
/// <item>An <c>Origin</c> header, when present, must name this host (or an origin allowed by <c>--cors-allow-origins</c>).</item>
/// <item>Without Origin, a <c>Referer</c>, when present, must point at this host; <c>Sec-Fetch-Site: cross-site</c> is refused.</item>
/// <item>A request authenticated by the login cookie that carries neither Origin nor Referer must carry
/// <c>X-Requested-With</c> (a custom header that a cross-site form cannot add).</item>
/// </list>
/// Scripts using HTTP Basic send no Origin and are not affected. Refusals are 403 JSON.
/// </summary>
public sealed class CsrfGuardMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, SecurityMode mode)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(mode);
        var request = context.Request;
        var webSocket = RequestKind.IsWebSocketHandshake(request);
        if (!webSocket && !RequestKind.IsUnsafeMethod(request.Method))
        {
            return next(context);
        }

        var reason = Refusal(context, mode, webSocket);
        return reason is null ? next(context) : SecurityResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden, reason);
    }

    private static string? Refusal(HttpContext context, SecurityMode mode, bool webSocket)
    {
        var request = context.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            return OriginName.IsSameHost(origin, request.Host) || mode.IsAllowedCorsOrigin(origin)
                ? null
                : "Cross-origin request refused: the Origin header does not match this server.";
        }

        if (string.Equals(request.Headers["Sec-Fetch-Site"].ToString(), "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return "Cross-site request refused.";
        }

        var referer = request.Headers.Referer.ToString();
        if (referer.Length > 0)
        {
            return OriginName.IsSameHost(referer, request.Host) || mode.IsAllowedCorsOrigin(OriginName.OriginOf(referer))
                ? null
                : "Cross-origin request refused: the Referer header does not match this server.";
        }

        var cookieAuthenticated = string.Equals(context.User.Identity?.AuthenticationType, AuthSchemes.Cookie, StringComparison.Ordinal);
        return cookieAuthenticated && !webSocket && !RequestKind.HasRequestedWith(request)
            ? "A request authenticated by the login cookie must carry an Origin or X-Requested-With header."
            : null;
    }
}
