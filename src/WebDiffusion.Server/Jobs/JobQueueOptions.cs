namespace WebDiffusion.Server.Jobs;

/// <summary>Queue limits (section <c>WebDiffusion:Queue</c>).</summary>
public sealed class JobQueueOptions
{
    public const string SectionName = "WebDiffusion:Queue";

    /// <summary>Most queued + running jobs one client may have.</summary>
    public int MaxActivePerClient { get; set; } = 20;

    /// <summary>Most queued jobs in total.</summary>
    public int MaxQueued { get; set; } = 500;

    /// <summary>Retry-After seconds sent with 429.</summary>
    public int RetryAfterSeconds { get; set; } = 10;
}
