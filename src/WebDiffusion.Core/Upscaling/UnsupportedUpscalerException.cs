using WebDiffusion.Core.Checkpoints;

namespace WebDiffusion.Core.Upscaling;

/// <summary>A model file's keys match no upscaler network we build; the message says what was looked for.</summary>
public sealed class UnsupportedUpscalerException : CheckpointFormatException
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedUpscalerException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnsupportedUpscalerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public UnsupportedUpscalerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="filePath"/>.</summary>
    public UnsupportedUpscalerException(string filePath, string problem)
        : base(filePath, null, problem)
    {
    }
}
