using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;

namespace WebDiffusion.Server.Security;

/// <summary>
/// Cookie sign-in for the browser UI: GET /login (the page), POST /login (form or JSON <c>{username, password}</c>),
/// POST /logout. The cookie is HttpOnly, SameSite=Strict, and Secure when the request came over HTTPS.
/// </summary>
public static class LoginEndpoints
{
    public const string LoginPath = "/login";
    public const string LogoutPath = "/logout";

    private const int MaxUserChars = 256;
    private const int MaxPasswordChars = 1024;
    private const string Html = "text/html; charset=utf-8";

    public static IEndpointRouteBuilder MapLoginEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(LoginPath, ShowPage).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapPost(LoginPath, SignInAsync).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapPost(LogoutPath, (Delegate)SignOutAsync).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static IResult ShowPage(HttpContext context, SecurityMode mode, string? returnUrl)
    {
        if (!mode.AuthEnabled || context.User.Identity?.IsAuthenticated == true)
        {
            return Results.Redirect(LocalUrl.OrRoot(returnUrl));
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(LoginPage.Render(returnUrl, failed: false), Html);
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context, SecurityMode mode, CredentialStore credentials, SignInThrottle throttle, ILoggerFactory loggers)
    {
        if (!mode.AuthEnabled)
        {
            return Results.NotFound(new { error = "Authentication is not enabled on this server." });
        }

        var form = context.Request.HasFormContentType;
        LoginRequest? login;
        if (form)
        {
            var fields = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            login = new LoginRequest(fields["username"], fields["password"], fields["returnUrl"]);
        }
        else if (context.Request.HasJsonContentType())
        {
            try
            {
                login = await context.Request.ReadFromJsonAsync<LoginRequest>(context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                return Results.BadRequest(new { error = "The body must be JSON {\"username\": ..., \"password\": ...}." });
            }
        }
        else
        {
            return Results.Json(new { error = "Send a form or JSON {\"username\", \"password\"}." }, statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var returnUrl = LocalUrl.OrRoot(login?.ReturnUrl);
        var user = login?.Username ?? string.Empty;
        var password = login?.Password ?? string.Empty;
        var name = user.Length is > 0 and <= MaxUserChars && password.Length is > 0 and <= MaxPasswordChars
            ? credentials.Verify(user, password)
            : null;
        if (name is null)
        {
            SignInLog.Failed(loggers.CreateLogger(typeof(LoginEndpoints).FullName!), throttle, ClientAddress.Of(context), "login");
            context.Response.Headers.CacheControl = "no-store";
            return form
                ? Results.Content(LoginPage.Render(returnUrl, failed: true), Html, statusCode: StatusCodes.Status401Unauthorized)
                : Results.Json(new { error = "Wrong user name or password." }, statusCode: StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(AuthSchemes.StampClaim, credentials.StampOf(name) ?? string.Empty)],
            AuthSchemes.Cookie,
            ClaimTypes.Name,
            ClaimTypes.Role);
        await context.SignInAsync(AuthSchemes.Cookie, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true }).ConfigureAwait(false);
        return form ? Results.Redirect(returnUrl) : Results.Ok(new { user = name, returnUrl });
    }

    private static async Task<IResult> SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(AuthSchemes.Cookie).ConfigureAwait(false);
        return context.Request.HasFormContentType ? Results.Redirect(LoginPath) : Results.NoContent();
    }
}
