namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>What <see cref="ImageNoise"/> needs: the per-image seeds and A1111's seed extras.</summary>
public sealed record ImageNoiseOptions
{
    /// <summary>One image's latent shape (C, H/8, W/8).</summary>
    public required LatentShape Shape { get; init; }

    /// <summary>The seeds of the images of this batch (see <see cref="Seeds.ForImages"/>).</summary>
    public required IReadOnlyList<long> Seeds { get; init; }

    /// <summary>Variation seeds per image; missing entries use 0 like A1111.</summary>
    public IReadOnlyList<long>? Subseeds { get; init; }

    /// <summary>Variation strength in [0, 1]; 0 disables the variation seed.</summary>
    public float SubseedStrength { get; init; }

    /// <summary>"Resize seed from width" in pixels; active only when both it and the height are &gt; 0.</summary>
    public int SeedResizeFromWidth { get; init; }

    /// <summary>"Resize seed from height" in pixels; active only when both it and the width are &gt; 0.</summary>
    public int SeedResizeFromHeight { get; init; }

    /// <summary>The noise source (A1111 option <c>randn_source</c>).</summary>
    public RandnSource Source { get; init; } = RandnSource.Gpu;

    /// <summary>Whether the host runs on CUDA (decides what "GPU" means, see <see cref="NoiseGenerators.Create"/>).</summary>
    public bool CudaHost { get; init; }

    /// <summary>ENSD (<c>eta_noise_seed_delta</c>): after the first noise the generators are re-seeded with seed + ENSD.</summary>
    public long EtaNoiseSeedDelta { get; init; }
}
