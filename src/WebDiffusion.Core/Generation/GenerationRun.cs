namespace WebDiffusion.Core.Generation;

/// <summary>Resolved facts of one pipeline run that the infotext and the result need.</summary>
public sealed record GenerationRun
{
    /// <summary>Sampler UI name.</summary>
    public required string SamplerName { get; init; }

    /// <summary>Schedule type label as resolved (e.g. "Karras").</summary>
    public required string SchedulerLabel { get; init; }

    /// <summary>Seed per image.</summary>
    public required IReadOnlyList<long> AllSeeds { get; init; }

    /// <summary>Variation seed per image.</summary>
    public required IReadOnlyList<long> AllSubseeds { get; init; }

    /// <summary>Checkpoint name.</summary>
    public required string ModelName { get; init; }

    /// <summary>Checkpoint short hash, when known.</summary>
    public string? ModelHash { get; init; }

    /// <summary>The separate VAE file in use (infotext "VAE hash", "VAE"), or null for the model's own.</summary>
    public Models.VaeChoice? Vae { get; init; }

    /// <summary>Hires target width.</summary>
    public int HiresWidth { get; init; }

    /// <summary>Hires target height.</summary>
    public int HiresHeight { get; init; }

    /// <summary>
    /// The sampler settings A1111 writes when they differ from its defaults ("Eta", "Sigma noise", "Schedule rho", …),
    /// first pass then hires pass, in A1111's insertion order (see <see cref="SamplingSetup"/>).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> SamplerInfotext { get; init; } = [];

    /// <summary>A1111's "RNG" infotext value when the noise source is not the default GPU one ("CPU", "NV"), else null.</summary>
    public string? RandnSourceWritten { get; init; }

    /// <summary>A1111's "Hires schedule type" infotext value: the hires pass's schedule label when it differs from the first pass's, else null.</summary>
    public string? HiresScheduleWritten { get; init; }

    /// <summary>A1111's "Noise multiplier" infotext value: img2img's initial noise multiplier when it is not 1, else null.</summary>
    public double? NoiseMultiplierWritten { get; init; }

    /// <summary>ENSD when it applies to this sampler (non-zero delta, sampler uses it, eta ≠ 0), else null.</summary>
    public long? EnsdWritten { get; init; }

    /// <summary>The clip skip used (written to infotext when above 1).</summary>
    public int ClipSkip { get; init; } = 1;

    /// <summary>A1111's "Lora hashes" value (<c>name: hash12, …</c>) when the prompt applies LoRA, else null.</summary>
    public string? LoraHashes { get; init; }

    /// <summary>A1111's "TI hashes" value (<c>name: hash12, …</c>) when the prompts use textual-inversion embeddings, else null.</summary>
    public string? TiHashes { get; init; }

    /// <summary>A1111's "Emphasis" infotext value (the mode when a prompt uses brackets and the mode is not Original), else null.</summary>
    public string? EmphasisWritten { get; init; }

    /// <summary>Version string.</summary>
    public required string Version { get; init; }
}
