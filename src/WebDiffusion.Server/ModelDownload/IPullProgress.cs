namespace WebDiffusion.Server.ModelDownload;

/// <summary>Receives progress of a pull (from the downloading thread; implementations must be quick).</summary>
public interface IPullProgress
{
    /// <summary>Called when a file starts or completes, and at most a few times a second in between.</summary>
    void Report(PullProgress progress);
}
