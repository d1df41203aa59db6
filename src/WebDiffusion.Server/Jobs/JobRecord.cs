namespace WebDiffusion.Server.Jobs;

/// <summary>A job as stored in the journal.</summary>
public sealed record JobRecord(
    string Id,
    string Owner,
    string Mode,
    string RequestJson,
    JobState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    IReadOnlyList<string> ImageIds,
    long Sequence,
    string? ResultJson = null)
{
    /// <summary>Whether the job can still change state.</summary>
    public bool IsActive => State is JobState.Queued or JobState.Running;
}
