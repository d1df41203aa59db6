using System.Globalization;

namespace WebDiffusion.Server.Security;

/// <summary>The JSON error answers of the security layer (401, 403, 413, 429).</summary>
public static class SecurityResponses
{
    /// <summary>Writes <c>{"error": message}</c> with <paramref name="status"/> unless the response has started.</summary>
    public static Task WriteErrorAsync(HttpContext context, int status, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(new { error = message }, context.RequestAborted);
    }

    /// <summary>401 for an API client; <c>WWW-Authenticate: Basic</c> unless the caller is a script in a browser page.</summary>
    public static Task WriteUnauthorizedAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!RequestKind.IsBrowserScript(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{AuthSchemes.Realm}\", charset=\"UTF-8\"";
        }

        return WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Authentication required: sign in at /login or send HTTP Basic credentials.");
    }

    /// <summary>429 with Retry-After in whole seconds (at least 1).</summary>
    public static Task WriteTooManyAsync(HttpContext context, TimeSpan retryAfter, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, message);
    }
}
