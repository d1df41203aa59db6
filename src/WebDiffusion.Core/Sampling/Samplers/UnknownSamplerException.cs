namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>A sampler name that is not one of ours; the message lists the valid names.</summary>
public sealed class UnknownSamplerException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="name"/>.</summary>
    public UnknownSamplerException(string name, IEnumerable<string> validNames)
        : base($"Unknown sampler '{name}'. Valid samplers: {string.Join(", ", validNames)}.")
    {
        Name = name;
    }

    /// <summary>Creates the exception.</summary>
    public UnknownSamplerException()
        : base("Unknown sampler.")
    {
        Name = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnknownSamplerException(string message)
        : base(message)
    {
        Name = string.Empty;
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public UnknownSamplerException(string message, Exception innerException)
        : base(message, innerException)
    {
        Name = string.Empty;
    }

    /// <summary>The name that was asked for.</summary>
    public string Name { get; }
}
