namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>A sampler could not finish (e.g. DPM adaptive did not converge, or the model returned NaN).</summary>
public sealed class SamplerFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SamplerFailedException()
        : base("Sampling failed.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SamplerFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public SamplerFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
