namespace WebDiffusion.Server.Jobs;

/// <summary>Where the worker announces what happens to jobs (the SignalR hub in the server).</summary>
public interface IJobEvents
{
    /// <summary>The job's place in the queue (0: next to run); sent at submit and again whenever a job ahead leaves the queue.</summary>
    Task QueuedAsync(QueuedJob job, int position);

    Task StartedAsync(JobRecord job, int totalSteps, int imageCount);

    Task StepAsync(JobRecord job, StepProgress step, TimeSpan elapsed, TimeSpan? eta);

    Task ImageSavedAsync(JobRecord job, string imageId, long seed, int index);

    Task FinishedAsync(JobRecord job);
}
