namespace WebDiffusion.Server.Jobs;

/// <summary>A job waiting in the queue, as much of it as a position announcement needs.</summary>
/// <param name="Id">The job id.</param>
/// <param name="Owner">The job's owner (its hub group).</param>
/// <param name="Sequence">The journal's submission order.</param>
public sealed record QueuedJob(string Id, string Owner, long Sequence);
