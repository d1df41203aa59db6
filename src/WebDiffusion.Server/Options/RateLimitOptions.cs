namespace WebDiffusion.Server.Options;

/// <summary>
/// Per-client request limits (section <c>WebDiffusion:RateLimit</c>). Requests to <c>/api</c> and <c>/sdapi</c>
/// are counted per authenticated user (or per remote address when authentication is off) in fixed windows;
/// failed sign-ins are counted per remote address. Both answer 429 with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests allowed per client and window on /api and /sdapi; 0 turns the limit off.</summary>
    public int PermitLimit { get; set; } = 120;

    /// <summary>Length of the request window in seconds.</summary>
    public int WindowSeconds { get; set; } = 10;

    /// <summary>Failed sign-ins (wrong Basic credentials or login form) one address may make per minute before 429.</summary>
    public int SignInFailuresPerMinute { get; set; } = 10;
}
