namespace WebDiffusion.Server.Jobs;

/// <summary>Life cycle of a job. Stored by name in the job database.</summary>
public enum JobState
{
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
    Interrupted,
}
