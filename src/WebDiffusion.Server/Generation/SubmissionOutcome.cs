using WebDiffusion.Core.Generation;
using WebDiffusion.Server.Jobs;

namespace WebDiffusion.Server.Generation;

/// <summary>What became of a submitted generation: queued, refused with field errors, or refused by a queue quota.</summary>
public abstract record SubmissionOutcome
{
    private SubmissionOutcome()
    {
    }

    /// <summary>Journalled and queued at <paramref name="Position"/> (0 = next).</summary>
    public sealed record Accepted(JobRecord Job, int Position, GenerationRequest Request) : SubmissionOutcome;

    /// <summary>Refused: problems by field, every one of them.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : SubmissionOutcome;

    /// <summary>Refused by a quota; the client should retry after <see cref="QueueFullException.RetryAfter"/>.</summary>
    public sealed record QueueFull(QueueFullException Error) : SubmissionOutcome;
}
