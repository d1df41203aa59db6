using Microsoft.AspNetCore.Authorization;

namespace WebDiffusion.Server.Security;

/// <summary>
/// The fallback policy's requirement when credentials are configured: a signed-in user, except on the liveness
/// endpoint (<c>/health</c>), recognised by its route pattern so no path spelling can widen the exception.
/// The login endpoints opt out with AllowAnonymous; every other route, present or added later, needs a user.
/// </summary>
public sealed class PublicEndpointRequirement : AuthorizationHandler<PublicEndpointRequirement>, IAuthorizationRequirement
{
    private static readonly string[] PublicRoutes = ["/health"];

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PublicEndpointRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = (context.Resource as HttpContext)?.GetEndpoint();
        if (context.User.Identity?.IsAuthenticated == true ||
            (endpoint is RouteEndpoint route && Array.Exists(PublicRoutes, p => string.Equals(route.RoutePattern.RawText, p, StringComparison.OrdinalIgnoreCase))))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
