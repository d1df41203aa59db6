namespace WebDiffusion.Server.Jobs;

/// <summary>Runs one job's generation; the worker owns the life cycle, storage and events around it.</summary>
public interface IJobExecutor
{
    /// <summary>
    /// Reads the job once: its envelope, its request, the images it will produce and the sampling steps of the whole job
    /// (every batch, hires passes included), for progress before the first step; <see cref="StepProgress"/> counts
    /// against the same total. Throws when the stored job cannot run (the job then fails with the reason).
    /// </summary>
    PlannedJob Plan(JobRecord job);

    /// <summary>
    /// Generates the planned job's images (<see cref="JobExecution.Plan"/>), calling <see cref="JobExecution.ImageReadyAsync"/>
    /// as each one is finished and <see cref="JobExecution.ReportStep"/> per sampling step. Throws OperationCanceledException when stopped.
    /// </summary>
    Task ExecuteAsync(JobExecution execution, CancellationToken cancellationToken);
}
