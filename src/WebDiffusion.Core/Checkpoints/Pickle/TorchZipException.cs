namespace WebDiffusion.Core.Checkpoints.Pickle;

/// <summary>The zip container of a PyTorch file is malformed or exceeds a limit; the message says which.</summary>
public sealed class TorchZipException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TorchZipException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TorchZipException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public TorchZipException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
