namespace WebDiffusion.Core.Checkpoints;

/// <summary>A tensor the caller needs is not in the checkpoint.</summary>
public sealed class CheckpointTensorMissingException : CheckpointFormatException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointTensorMissingException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CheckpointTensorMissingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public CheckpointTensorMissingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the missing <paramref name="key"/> of <paramref name="filePath"/>.</summary>
    public CheckpointTensorMissingException(string filePath, string key)
        : base(filePath, key, "no such tensor in the checkpoint.")
    {
    }
}
