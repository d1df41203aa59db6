namespace WebDiffusion.Core.Checkpoints.Architecture;

/// <summary>A checkpoint of a kind we recognise but cannot run yet (SDXL, SD3, Flux) or do not recognise at all.</summary>
public sealed class UnsupportedCheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedCheckpointException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnsupportedCheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public UnsupportedCheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="filePath"/> of the detected <paramref name="kind"/>.</summary>
    public UnsupportedCheckpointException(string filePath, string kind)
        : base($"'{filePath}': not supported yet: {kind}.")
    {
        FilePath = filePath;
        Kind = kind;
    }

    /// <summary>The checkpoint file.</summary>
    public string? FilePath { get; }

    /// <summary>The detected kind, e.g. "SDXL".</summary>
    public string? Kind { get; }
}
