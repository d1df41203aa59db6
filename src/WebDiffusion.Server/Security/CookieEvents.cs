using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace WebDiffusion.Server.Security;

/// <summary>
/// Settings and events of the login cookie: page navigations without a session go to /login?returnUrl=…
/// (a relative, local URL); API, hub and script requests get 401 JSON; a cookie whose account was removed or
/// whose password changed is rejected.
/// </summary>
public static class CookieEvents
{
    public static void Configure(CookieAuthenticationOptions options, CredentialStore credentials)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        options.Cookie.Name = AuthSchemes.CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Cookie.IsEssential = true;
        options.LoginPath = LoginEndpoints.LoginPath;
        options.LogoutPath = LoginEndpoints.LogoutPath;
        options.ReturnUrlParameter = "returnUrl";
        options.ExpireTimeSpan = TimeSpan.FromDays(7);
        options.SlidingExpiration = true;
        options.Events.OnRedirectToLogin = RedirectToLoginAsync;
        options.Events.OnRedirectToAccessDenied = context =>
            SecurityResponses.WriteErrorAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden.");
        options.Events.OnValidatePrincipal = context =>
        {
            var name = context.Principal?.Identity?.Name;
            var stamp = context.Principal?.FindFirstValue(AuthSchemes.StampClaim);
            if (name is null || stamp is null || !string.Equals(credentials.StampOf(name), stamp, StringComparison.Ordinal))
            {
                context.RejectPrincipal();
            }

            return Task.CompletedTask;
        };
    }

    private static Task RedirectToLoginAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        var http = context.HttpContext;
        if (!RequestKind.IsPageNavigation(http.Request))
        {
            return SecurityResponses.WriteUnauthorizedAsync(http);
        }

        var target = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
        http.Response.Redirect(LoginEndpoints.LoginPath + QueryString.Create("returnUrl", target.ToString()));
        return Task.CompletedTask;
    }
}
