using Microsoft.AspNetCore.SignalR;
using WebDiffusion.Server.Jobs;

namespace WebDiffusion.Server.Hubs;

/// <summary>Sends job events to the job's group and its owner's group.</summary>
public sealed class HubJobEvents(IHubContext<ProgressHub> hub, ILogger<HubJobEvents> logger) : IJobEvents
{
    public Task QueuedAsync(QueuedJob job, int position)
    {
        ArgumentNullException.ThrowIfNull(job);
        return Send(job.Id, job.Owner, "queued", new { jobId = job.Id, position });
    }

    public Task StartedAsync(JobRecord job, int totalSteps, int imageCount) => Send(job.Id, job.Owner, "started", new { jobId = job.Id, totalSteps, imageCount });

    public Task StepAsync(JobRecord job, StepProgress step, TimeSpan elapsed, TimeSpan? eta)
    {
        ArgumentNullException.ThrowIfNull(step);
        return Send(job.Id, job.Owner, "step", new
        {
            jobId = job.Id,
            step = step.Step,
            totalSteps = step.TotalSteps,
            imageIndex = step.ImageIndex,
            sigma = step.Sigma,
            elapsedSeconds = elapsed.TotalSeconds,
            etaSeconds = eta?.TotalSeconds,
            preview = PreviewDataUrl.From(step.PreviewPng),
        });
    }

    public Task ImageSavedAsync(JobRecord job, string imageId, long seed, int index) =>
        Send(job.Id, job.Owner, "imageSaved", new { jobId = job.Id, imageId, seed, index });

    public Task FinishedAsync(JobRecord job) =>
        Send(job.Id, job.Owner, "finished", new { jobId = job.Id, state = job.State.ToString().ToLowerInvariant(), error = job.Error, imageIds = job.ImageIds });

    private async Task Send(string jobId, string owner, string name, object payload)
    {
        try
        {
            await hub.Clients.Groups(ProgressHub.JobGroup(jobId), ProgressHub.OwnerGroup(owner)).SendAsync(name, payload).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A broken client connection must never fail the job.
            logger.LogWarning(ex, "Could not send {Event} for job {JobId}", name, jobId);
        }
    }
}
