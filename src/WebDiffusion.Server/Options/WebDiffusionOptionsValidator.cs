using Microsoft.Extensions.Options;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.Options;

/// <summary>Checks <see cref="WebDiffusionOptions"/> at start-up so a bad setting stops the server with a clear message.</summary>
public sealed class WebDiffusionOptionsValidator : IValidateOptions<WebDiffusionOptions>
{
    public ValidateOptionsResult Validate(string? name, WebDiffusionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"Port {options.Port} is not a TCP port (0-65535).");
        }

        if (options.Listen && !options.HasCredentials && !options.InsecureNoAuth)
        {
            failures.Add(
                "--listen exposes the server on every network interface, so credentials are required: " +
                "add --api-auth user:password (or WebDiffusion:ApiAuth in appsettings.json). " +
                "To run without authentication anyway, add --insecure-no-auth (not recommended on a public IP).");
        }

        var before = failures.Count;
        if (options.HasCredentials && ApiAuthEntry.ParseList(options.ApiAuth, failures).Count == 0 && failures.Count == before)
        {
            failures.Add("--api-auth is set but names no user:password pair.");
        }

        ValidateCorsOrigins(options.CorsOrigins, failures);
        ValidateRateLimit(options.RateLimit, failures);

        if (string.IsNullOrWhiteSpace(options.ModelsDir))
        {
            failures.Add("ModelsDir must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            failures.Add("DataDir must not be empty.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateCorsOrigins(string? origins, List<string> failures)
    {
        foreach (var origin in (origins ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (OriginName.Normalize(origin) is null)
            {
                failures.Add($"--cors-allow-origins: '{origin}' is not an origin such as https://example.com or http://localhost:5173 (no '*', no path).");
            }
        }
    }

    private static void ValidateRateLimit(RateLimitOptions? limits, List<string> failures)
    {
        if (limits is null)
        {
            failures.Add("RateLimit must not be null.");
            return;
        }

        if (limits.PermitLimit < 0)
        {
            failures.Add("RateLimit:PermitLimit must be 0 (off) or more.");
        }

        if (limits.WindowSeconds is < 1 or > 3600)
        {
            failures.Add("RateLimit:WindowSeconds must be from 1 to 3600.");
        }

        if (limits.SignInFailuresPerMinute < 1)
        {
            failures.Add("RateLimit:SignInFailuresPerMinute must be 1 or more.");
        }
    }
}
