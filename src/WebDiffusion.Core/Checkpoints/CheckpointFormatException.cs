namespace WebDiffusion.Core.Checkpoints;

/// <summary>A checkpoint file is malformed; the message names the file and, where one is at fault, the tensor key.</summary>
public class CheckpointFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CheckpointFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public CheckpointFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="filePath"/> and optionally the tensor <paramref name="key"/>.</summary>
    public CheckpointFormatException(string filePath, string? key, string problem, Exception? innerException = null)
        : base(Compose(filePath, key, problem), innerException)
    {
        FilePath = filePath;
        Key = key;
    }

    /// <summary>The file at fault.</summary>
    public string? FilePath { get; }

    /// <summary>The tensor key at fault, or null when the problem is the file as a whole.</summary>
    public string? Key { get; }

    private static string Compose(string filePath, string? key, string problem) =>
        key is null ? $"'{filePath}': {problem}" : $"'{filePath}', tensor '{key}': {problem}";
}
