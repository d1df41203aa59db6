using Microsoft.Extensions.Options;
using WebDiffusion.Server.Options;

namespace WebDiffusion.Server.Security;

/// <summary>Logs the security posture once at start-up; loudly (Warning) when the server is exposed without authentication.</summary>
public sealed class SecurityStartupReport(IOptions<WebDiffusionOptions> options, CredentialStore credentials, ILogger<SecurityStartupReport> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var value = options.Value;
        if (credentials.Enabled)
        {
            logger.LogInformation(
                "Authentication is on for {Count} account(s): browser sign-in at /login, HTTP Basic for API clients",
                credentials.Count);
            if (credentials.PlainTextCount > 0)
            {
                logger.LogInformation(
                    "{Count} account(s) have a plain-text password; store a hash instead (./webui.sh hash-password)",
                    credentials.PlainTextCount);
            }
        }
        else if (value.Listen)
        {
            logger.LogWarning(
                "SECURITY WARNING: listening on every network interface (port {Port}) WITHOUT AUTHENTICATION (--insecure-no-auth). " +
                "Anyone who can reach this port can generate images, read every output and change settings. " +
                "Add --api-auth user:password (or WebDiffusion:ApiAuth) unless this network is fully trusted",
                value.Port);
        }
        else
        {
            logger.LogInformation("Authentication is off; the server answers on 127.0.0.1 only");
        }

        if (!string.IsNullOrWhiteSpace(value.CorsOrigins))
        {
            logger.LogInformation("CORS allows the origins {Origins}", value.CorsOrigins);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
