namespace WebDiffusion.Server.ModelDownload;

/// <summary>
/// A bounded retry with exponential backoff for transient failures: <see cref="TransientPullException"/>,
/// <see cref="HttpRequestException"/>, <see cref="IOException"/>, <see cref="TimeoutException"/> and timeouts (a cancellation that was not asked for).
/// </summary>
internal static class TransientRetry
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs <paramref name="operation"/> up to <see cref="ModelDownloadOptions.MaxAttempts"/> times; the last transient
    /// failure becomes a <see cref="ModelPullException"/> that starts with <paramref name="what"/>.
    /// </summary>
    public static async Task<T> RunAsync<T>(
        string what, ModelDownloadOptions options, Func<int, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var attempts = Math.Max(1, options.MaxAttempts);
        var delay = TimeSpan.FromMilliseconds(Math.Max(0, options.RetryDelayMilliseconds));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex, cancellationToken))
            {
                if (attempt >= attempts)
                {
                    var reason = ex is OperationCanceledException ? "timed out" : ex.Message;
                    throw new ModelPullException($"{what}: {reason} (gave up after {attempts} attempts; run the same command again to resume).", ex);
                }
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        TransientPullException or HttpRequestException or IOException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
