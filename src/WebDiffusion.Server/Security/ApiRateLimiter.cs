using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using WebDiffusion.Server.Options;

namespace WebDiffusion.Server.Security;

/// <summary>
/// The global per-client limiter: requests to /api and /sdapi, counted per signed-in user (or per client address
/// when nobody is signed in) in fixed windows; other paths (/health, static files, the hub) and reads of finished
/// images (<see cref="RequestKind.IsImageRead"/>) are not limited.
/// Rejections are 429 with Retry-After.
/// </summary>
public static class ApiRateLimiter
{
    public static void Configure(RateLimiterOptions options, RateLimitOptions limits)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(limits);
        var window = TimeSpan.FromSeconds(limits.WindowSeconds);
        var permits = limits.PermitLimit;
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (permits == 0 || !RequestKind.IsRateLimited(context.Request))
            {
                return RateLimitPartition.GetNoLimiter(string.Empty);
            }

            var name = context.User.Identity is { IsAuthenticated: true, Name: { } user } ? "user:" + user : "ip:" + ClientAddress.Of(context);
            return RateLimitPartition.GetFixedWindowLimiter(name, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        options.OnRejected = (context, _) =>
        {
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window;
            return new ValueTask(SecurityResponses.WriteTooManyAsync(
                context.HttpContext,
                retryAfter,
                $"Too many requests: at most {permits} per {limits.WindowSeconds} s per client (WebDiffusion:RateLimit)."));
        };
    }
}
