namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>A schedule type name that is not one of ours; the message lists the valid ones.</summary>
public sealed class UnknownSchedulerException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="name"/>.</summary>
    public UnknownSchedulerException(string name, IEnumerable<string> validNames)
        : base($"Unknown schedule type '{name}'. Valid schedule types: {string.Join(", ", validNames)}.")
    {
        Name = name;
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnknownSchedulerException()
        : base("Unknown schedule type.")
    {
        Name = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public UnknownSchedulerException(string message)
        : base(message)
    {
        Name = string.Empty;
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public UnknownSchedulerException(string message, Exception innerException)
        : base(message, innerException)
    {
        Name = string.Empty;
    }

    /// <summary>The name that was asked for.</summary>
    public string Name { get; }
}
