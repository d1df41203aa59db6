namespace WebDiffusion.Server.Jobs;

/// <summary>The client's quota or the global queue is full; the API answers 429 with Retry-After.</summary>
public sealed class QueueFullException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
