namespace WebDiffusion.Core.Models;

/// <summary>A VAE, LoRA or embedding file found in the models folder.</summary>
/// <param name="Name">The file name without extension.</param>
/// <param name="Path">Absolute path.</param>
/// <param name="Error">Why it is refused (pickle formats), or null when it may be loaded.</param>
public sealed record AuxiliaryModelFile(string Name, string Path, string? Error)
{
    /// <summary>True when <see cref="Error"/> is null.</summary>
    public bool IsUsable => Error is null;
}
