namespace WebDiffusion.Core.Generation;

/// <summary>
/// A1111's sampler options (<c>/sdapi/v1/options</c> names in the docs) as the pipeline applies them; the defaults are
/// A1111's. Request fields (<see cref="GenerationRequest.Eta"/>, <see cref="GenerationRequest.SNoise"/>, …) win over these.
/// </summary>
public sealed record SamplerSettings
{
    /// <summary>A1111's defaults.</summary>
    public static SamplerSettings Default { get; } = new();

    /// <summary><c>eta_ancestral</c>: eta of the k-diffusion samplers that take one (infotext "Eta" when ≠ 1).</summary>
    public double EtaAncestral { get; init; } = 1.0;

    /// <summary><c>eta_ddim</c>: eta of DDIM (infotext "Eta DDIM" when ≠ 0).</summary>
    public double EtaDdim { get; init; }

    /// <summary><c>s_churn</c> (Euler, Heun, DPM2).</summary>
    public double SChurn { get; init; }

    /// <summary><c>s_tmin</c> (Euler, Heun, DPM2).</summary>
    public double STmin { get; init; }

    /// <summary><c>s_tmax</c>; 0 = ∞ (Euler, Heun, DPM2).</summary>
    public double STmax { get; init; }

    /// <summary><c>s_noise</c> (Euler, Heun, DPM2, DPM fast, DPM2 a, DPM++ 2S a and the DPM++ SDE family).</summary>
    public double SNoise { get; init; } = 1.0;

    /// <summary><c>sigma_min</c> schedule override; 0 = the model's.</summary>
    public double SigmaMin { get; init; }

    /// <summary><c>sigma_max</c> schedule override; 0 = the model's.</summary>
    public double SigmaMax { get; init; }

    /// <summary><c>rho</c> schedule override; 0 = the schedule's default.</summary>
    public double Rho { get; init; }

    /// <summary><c>always_discard_next_to_last_sigma</c>.</summary>
    public bool AlwaysDiscardPenultimateSigma { get; init; }

    /// <summary><c>sgm_noise_multiplier</c>: txt2img starts at noise·sqrt(1 + σ₀²).</summary>
    public bool SgmNoiseMultiplier { get; init; }

    /// <summary><c>uni_pc_order</c> (UniPC).</summary>
    public int UniPcOrder { get; init; } = 3;

    /// <summary><c>img2img_fix_steps</c>: img2img runs exactly <c>steps</c> steps (the hires pass always does).</summary>
    public bool Img2ImgFixSteps { get; init; }

    /// <summary><c>initial_noise_multiplier</c>: img2img's initial noise is multiplied by it (1 = unchanged; "Noise multiplier" in the infotext otherwise).</summary>
    public double InitialNoiseMultiplier { get; init; } = 1.0;
}
