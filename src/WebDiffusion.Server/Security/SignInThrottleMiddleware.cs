namespace WebDiffusion.Server.Security;

/// <summary>
/// Refuses credential attempts (an Authorization: Basic header, or POST /login) from a client address that has
/// failed too often in the last minute: 429 with Retry-After, before any password is checked.
/// </summary>
public sealed class SignInThrottleMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, SecurityMode mode, SignInThrottle throttle)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(throttle);
        var attempt = AuthSchemes.HasBasicHeader(context.Request) ||
            (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(LoginEndpoints.LoginPath, StringComparison.OrdinalIgnoreCase));
        if (mode.AuthEnabled && attempt && throttle.IsBlocked(ClientAddress.Of(context), out var retryAfter))
        {
            return SecurityResponses.WriteTooManyAsync(context, retryAfter, "Too many failed sign-ins from this address; try again later.");
        }

        return next(context);
    }
}
