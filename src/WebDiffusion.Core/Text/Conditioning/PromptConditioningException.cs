namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>A prompt cannot be turned into conditioning with the current model; the message says why and what to do.</summary>
public sealed class PromptConditioningException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PromptConditioningException()
    {
    }

    /// <summary>Creates the exception with a user-facing message.</summary>
    public PromptConditioningException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public PromptConditioningException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
