namespace WebDiffusion.Server.Security;

/// <summary>Names of the authentication schemes and of the login cookie.</summary>
public static class AuthSchemes
{
    /// <summary>The default scheme: forwards to <see cref="Basic"/> when an Authorization: Basic header is present, else to <see cref="Cookie"/>.</summary>
    public const string Default = "WebDiffusion";

    public const string Basic = "Basic";

    public const string Cookie = "Cookie";

    public const string CookieName = "WebDiffusion.Auth";

    public const string Realm = "WebDiffusion";

    /// <summary>Claim holding <see cref="CredentialStore.StampOf"/> in the login cookie.</summary>
    public const string StampClaim = "wd:stamp";

    /// <summary>The scheme that authenticates <paramref name="context"/>.</summary>
    public static string Select(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return HasBasicHeader(context.Request) ? Basic : Cookie;
    }

    /// <summary>Whether the request carries <c>Authorization: Basic ...</c>.</summary>
    public static bool HasBasicHeader(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.Headers.Authorization.ToString();
        return value.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
    }
}
