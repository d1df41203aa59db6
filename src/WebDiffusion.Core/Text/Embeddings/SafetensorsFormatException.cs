namespace WebDiffusion.Core.Text.Embeddings;

/// <summary>A .safetensors file is malformed or holds something other than what was asked for.</summary>
public sealed class SafetensorsFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SafetensorsFormatException()
    {
    }

    /// <summary>Creates the exception with a message naming the file and the problem.</summary>
    public SafetensorsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public SafetensorsFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
