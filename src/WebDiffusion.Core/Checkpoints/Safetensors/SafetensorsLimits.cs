namespace WebDiffusion.Core.Checkpoints.Safetensors;

/// <summary>Limits a safetensors header must respect before anything is allocated for it.</summary>
public sealed record SafetensorsLimits
{
    /// <summary>The defaults: a 16 MiB header (real SD/SDXL checkpoints have well under 1 MiB), 100,000 tensors, rank 8.</summary>
    public static SafetensorsLimits Default { get; } = new();

    /// <summary>Largest JSON header accepted, in bytes.</summary>
    public long MaxHeaderBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Most tensors accepted in one file.</summary>
    public int MaxTensors { get; init; } = 100_000;

    /// <summary>Highest rank accepted.</summary>
    public int MaxRank { get; init; } = 8;
}
