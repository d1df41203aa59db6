namespace WebDiffusion.Server.ModelDownload;

/// <summary>The life of a background pull.</summary>
public enum ModelPullState
{
    /// <summary>Waiting for the pull before it to finish.</summary>
    Queued,

    /// <summary>Listing or downloading.</summary>
    Running,

    /// <summary>Every file verified and the model moved into place.</summary>
    Completed,

    /// <summary>Stopped with an error (the partial folder stays for a resume).</summary>
    Failed,
}
