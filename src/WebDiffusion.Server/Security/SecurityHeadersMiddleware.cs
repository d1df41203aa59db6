namespace WebDiffusion.Server.Security;

/// <summary>
/// Adds the browser hardening headers to every response: no MIME sniffing, no framing, same-origin referrers and a
/// Content-Security-Policy for the SPA (scripts only from this origin, no inline script; inline styles allowed
/// because the UI's component library injects style elements; images also from data: and blob: URLs;
/// connections to this origin, including its ws:/wss: hub).
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    private const string PolicyHead =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; " +
        "frame-ancestors 'none'; connect-src 'self'";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            headers.ContentSecurityPolicy = ContentSecurityPolicy(http.Request.Host);
            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    /// <summary>The CSP for a request to <paramref name="host"/>: ws:/wss: to that host are listed explicitly for older browsers.</summary>
    public static string ContentSecurityPolicy(HostString host)
    {
        var value = host.Value;
        return !string.IsNullOrEmpty(value) && value.All(IsHostChar)
            ? $"{PolicyHead} ws://{value} wss://{value}"
            : PolicyHead;
    }

    private static bool IsHostChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']';
}
