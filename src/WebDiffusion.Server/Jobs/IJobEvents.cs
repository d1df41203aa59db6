namespace WebDiffusion.Server.Jobs;

/// <summary>Where the worker announces what happens to jobs (the SignalR hub in the server).</summary>
public interface IJobEvents
{
    Task QueuedAsync(JobRecord job, int position);

    Task StartedAsync(JobRecord job, int totalSteps, int imageCount);

    Task StepAsync(JobRecord job, StepProgress step, TimeSpan elapsed, TimeSpan? eta);

    Task ImageSavedAsync(JobRecord job, string imageId, long seed, int index);

    Task FinishedAsync(JobRecord job);
}
