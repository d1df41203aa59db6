namespace WebDiffusion.Server.Security;

/// <summary>Log lines about sign-ins: the client address and the scheme, never a user name or password.</summary>
public static class SignInLog
{
    /// <summary>Counts a failure for <paramref name="client"/> and logs it; a warning when the client is now locked out.</summary>
    public static void Failed(ILogger logger, SignInThrottle throttle, string client, string scheme)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(throttle);
        if (throttle.RecordFailure(client))
        {
            logger.LogWarning("Too many failed sign-ins from {Client}; further attempts are refused for a minute", client);
        }
        else
        {
            logger.LogInformation("Failed sign-in from {Client} ({Scheme})", client, scheme);
        }
    }
}
