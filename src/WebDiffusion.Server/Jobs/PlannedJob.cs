using WebDiffusion.Core.Generation;

namespace WebDiffusion.Server.Jobs;

/// <summary>A job read once from the journal: its envelope, its one parsed request, and what it will produce.</summary>
/// <param name="Envelope">The stored envelope.</param>
/// <param name="Request">The request, parsed with its profile's defaults; planning and execution both use it.</param>
/// <param name="Images">Images the job will produce.</param>
/// <param name="TotalSteps">Sampling steps of the whole job (every batch, hires passes included).</param>
/// <param name="Passes">Steps of each pass of one batch (for A1111's per-pass progress counters); null when unknown.</param>
public sealed record PlannedJob(JobEnvelope Envelope, GenerationRequest Request, int Images, int TotalSteps, StepPlan? Passes = null);
