namespace WebDiffusion.Server.Jobs;

/// <summary>What the executor gets for one job: the record, its plan, the controls and the callbacks into the worker.</summary>
public sealed class JobExecution(JobRecord job, PlannedJob plan, JobControl control, Func<FinishedImage, CancellationToken, Task> imageReady, Action<StepProgress> step, Action<string> result)
{
    public JobRecord Job { get; } = job;

    /// <summary>The job as read once from the journal (its one parsed request).</summary>
    public PlannedJob Plan { get; } = plan;

    public JobControl Control { get; } = control;

    /// <summary>Stores one finished image (PNG with infotext) and announces it.</summary>
    public Task ImageReadyAsync(FinishedImage image, CancellationToken cancellationToken) => imageReady(image, cancellationToken);

    /// <summary>Records the job's result description (A1111's <c>info</c> JSON string).</summary>
    public void SetResult(string resultJson) => result(resultJson);

    /// <summary>Reports a sampling step (throttled before it reaches clients).</summary>
    public void ReportStep(StepProgress progress) => step(progress);
}

/// <summary>One finished image: encoded PNG (infotext embedded), and what the index needs.</summary>
public sealed record FinishedImage(byte[] Png, int Index, long Seed, int Width, int Height, string Prompt, string Infotext);

/// <summary>Progress of one sampling step; <see cref="PreviewPng"/> is a small preview or null.</summary>
public sealed record StepProgress(int Step, int TotalSteps, int ImageIndex, double Sigma, byte[]? PreviewPng);
