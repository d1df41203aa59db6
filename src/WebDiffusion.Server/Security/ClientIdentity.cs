using System.Security.Claims;

namespace WebDiffusion.Server.Security;

/// <summary>Who a request belongs to: the authenticated user, or "local" when authentication is off.</summary>
public static class ClientIdentity
{
    /// <summary>The owner of everything done while authentication is off (and of outputs no job can claim).</summary>
    public const string LocalOwner = "local";

    /// <summary>The owner name used for jobs, images and quotas.</summary>
    public static string Owner(ClaimsPrincipal? user) =>
        user?.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : LocalOwner;

    /// <summary>The owner of an HTTP request.</summary>
    public static string Owner(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Owner(context.User);
    }
}
