namespace WebDiffusion.Core.Checkpoints;

/// <summary>A tensor exists but its element type cannot be read the way the caller asked.</summary>
public sealed class CheckpointDTypeException : CheckpointFormatException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointDTypeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CheckpointDTypeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public CheckpointDTypeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for tensor <paramref name="key"/> of <paramref name="filePath"/>.</summary>
    public CheckpointDTypeException(string filePath, string key, string problem)
        : base(filePath, key, problem)
    {
    }
}
