using Microsoft.Extensions.Options;

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

        if (options.HasCredentials)
        {
            foreach (var pair in options.ApiAuth!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0 || colon == pair.Length - 1)
                {
                    failures.Add("--api-auth must be user:password[,user2:password2] with a non-empty user and password.");
                    break;
                }
            }
        }

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
}
