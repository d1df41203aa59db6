using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WebDiffusion.Server.Options;

namespace WebDiffusion.Server.Security;

/// <summary>
/// Brute-force guard: counts failed sign-ins per client address in a sliding minute. Once an address has
/// <see cref="RateLimitOptions.SignInFailuresPerMinute"/> failures in the last minute, its further attempts are
/// refused (429) until the oldest failure leaves the window.
/// </summary>
public sealed class SignInThrottle(TimeProvider time, IOptions<WebDiffusionOptions> options)
{
    private const int MaxTrackedClients = 10_000;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    private int Limit => options.Value.RateLimit.SignInFailuresPerMinute;

    /// <summary>Whether <paramref name="client"/> must wait; <paramref name="retryAfter"/> says how long.</summary>
    public bool IsBlocked(string client, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_failures.TryGetValue(client, out var queue))
        {
            return false;
        }

        var now = time.GetUtcNow();
        lock (queue)
        {
            Expire(queue, now);
            if (queue.Count < Limit)
            {
                return false;
            }

            var wait = queue.Peek() + Window - now;
            retryAfter = wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
            return true;
        }
    }

    /// <summary>Records a failed attempt; returns true when this failure reached the limit (the client is now blocked).</summary>
    public bool RecordFailure(string client)
    {
        var now = time.GetUtcNow();
        if (_failures.Count >= MaxTrackedClients)
        {
            Prune(now);
        }

        var queue = _failures.GetOrAdd(client, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            Expire(queue, now);
            queue.Enqueue(now);
            return queue.Count == Limit;
        }
    }

    private static void Expire(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && queue.Peek() + Window <= now)
        {
            queue.Dequeue();
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (client, queue) in _failures)
        {
            lock (queue)
            {
                Expire(queue, now);
                if (queue.Count == 0)
                {
                    _failures.TryRemove(client, out _);
                }
            }
        }
    }
}
