using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace WebDiffusion.Server.Security;

/// <summary>
/// HTTP Basic (RFC 7617) against <see cref="CredentialStore"/>, for scripts and A1111 API clients. Failures are
/// counted by <see cref="SignInThrottle"/> and logged with the client address only (never the credentials).
/// </summary>
public sealed class BasicAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    CredentialStore credentials,
    SignInThrottle throttle)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const int MaxHeaderChars = 4096;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!credentials.Enabled || !AuthSchemes.HasBasicHeader(Request))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var encoded = Request.Headers.Authorization.ToString()["Basic ".Length..].Trim();
        if (!TryDecode(encoded, out var user, out var password))
        {
            return Task.FromResult(AuthenticateResult.Fail("Malformed Basic credentials."));
        }

        var client = ClientAddress.Of(Context);
        if (throttle.IsBlocked(client, out _))
        {
            return Task.FromResult(AuthenticateResult.Fail("Too many failed sign-ins."));
        }

        var name = credentials.Verify(user, password);
        if (name is null)
        {
            SignInLog.Failed(Logger, throttle, client, AuthSchemes.Basic);
            return Task.FromResult(AuthenticateResult.Fail("Invalid credentials."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], AuthSchemes.Basic, ClaimTypes.Name, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => SecurityResponses.WriteUnauthorizedAsync(Context);

    private static bool TryDecode(string encoded, out string user, out string password)
    {
        user = password = string.Empty;
        if (encoded.Length is 0 or > MaxHeaderChars)
        {
            return false;
        }

        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, bytes, out var written))
        {
            return false;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        user = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }
}
