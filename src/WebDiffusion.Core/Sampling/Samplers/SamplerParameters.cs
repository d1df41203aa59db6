namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>Per-run sampler settings (A1111 request fields and options); defaults are A1111's.</summary>
public sealed record SamplerParameters
{
    /// <summary>Defaults.</summary>
    public static SamplerParameters Default { get; } = new();

    /// <summary>Eta; null = the sampler's default (A1111 <c>eta_ancestral</c> 1.0, or <c>eta_ddim</c> 0.0 for DDIM).</summary>
    public double? Eta { get; init; }

    /// <summary>Noise multiplier s_noise (1.0).</summary>
    public double SNoise { get; init; } = 1.0;

    /// <summary>Churn (Euler, Heun, DPM2), 0 = off.</summary>
    public double SChurn { get; init; }

    /// <summary>Churn applies only for σ ≥ s_tmin.</summary>
    public double STmin { get; init; }

    /// <summary>Churn applies only for σ ≤ s_tmax (0 or ∞ = no limit).</summary>
    public double STmax { get; init; } = double.PositiveInfinity;

    /// <summary>A1111 option <c>sgm_noise_multiplier</c>: txt2img starts at noise·sqrt(1 + σ₀²) instead of noise·σ₀.</summary>
    public bool SgmNoiseMultiplier { get; init; }

    /// <summary>UniPC variant: "bh1" (A1111 default) or "bh2".</summary>
    public string UniPcVariant { get; init; } = "bh1";

    /// <summary>UniPC order (A1111 default 3).</summary>
    public int UniPcOrder { get; init; } = 3;

    /// <summary>UniPC: lower the order on the final steps (A1111 default true).</summary>
    public bool UniPcLowerOrderFinal { get; init; } = true;

    /// <summary>DPM adaptive: relative tolerance (0.05).</summary>
    public double AdaptiveRtol { get; init; } = 0.05;

    /// <summary>DPM adaptive: absolute tolerance (0.0078).</summary>
    public double AdaptiveAtol { get; init; } = 0.0078;

    /// <summary>DPM adaptive: the most step attempts before giving up with an error (never a hang).</summary>
    public int AdaptiveMaxAttempts { get; init; } = 10_000;
}
