namespace WebDiffusion.Core.Text.Tokenization;

/// <summary>A tokenizer file (vocab.json, merges.txt, the CLIP merge list) is missing or malformed.</summary>
public sealed class TokenizerFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TokenizerFormatException()
    {
    }

    /// <summary>Creates the exception with a message that names the file and the problem.</summary>
    public TokenizerFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public TokenizerFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
