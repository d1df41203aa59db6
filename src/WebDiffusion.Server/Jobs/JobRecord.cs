namespace WebDiffusion.Server.Jobs;

/// <summary>A job as stored in the journal.</summary>
/// <remarks>
/// <see cref="RequestJson"/> is the stored <see cref="JobEnvelope"/> (it holds the uploaded images): null in job lists,
/// which read only their columns; <see cref="Prompt"/> is the request's prompt, kept in its own column for them.
/// </remarks>
public sealed record JobRecord(
    string Id,
    string Owner,
    string Mode,
    string? RequestJson,
    JobState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    IReadOnlyList<string> ImageIds,
    long Sequence,
    string? ResultJson = null,
    string? Prompt = null)
{
    /// <summary>Whether the job can still change state.</summary>
    public bool IsActive => State is JobState.Queued or JobState.Running;
}
