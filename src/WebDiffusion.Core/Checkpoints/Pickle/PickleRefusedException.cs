namespace WebDiffusion.Core.Checkpoints.Pickle;

/// <summary>
/// A pickle was refused before anything in it could run: it names a global outside the allow-list, uses an opcode the safe
/// machine does not implement, exceeds a limit, or does not have the shape <c>torch.save</c> writes. The message says which.
/// </summary>
public sealed class PickleRefusedException : CheckpointFormatException
{
    /// <summary>Creates the exception.</summary>
    public PickleRefusedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PickleRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public PickleRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="filePath"/>; <paramref name="global"/> names a refused global (<c>module.name</c>).</summary>
    public PickleRefusedException(string filePath, string problem, string? global = null)
        : base(filePath, null, problem)
    {
        Global = global;
    }

    /// <summary>The refused global as <c>module.name</c>, or null when the refusal is not about a global.</summary>
    public string? Global { get; }
}
