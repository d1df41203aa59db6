namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>A1111's sampler options that describe behaviour.</summary>
[Flags]
public enum SamplerFlags
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>Two model evaluations per step ("second_order").</summary>
    SecondOrder = 1,

    /// <summary>Uses Brownian-tree noise seeded by the image seeds ("brownian_noise").</summary>
    BrownianNoise = 2,

    /// <summary>Draws noise from the per-image generators, so ENSD changes the result ("uses_ensd").</summary>
    UsesEnsd = 4,

    /// <summary>Computes steps + 1 σ and drops the penultimate ("discard_next_to_last_sigma").</summary>
    DiscardPenultimateSigma = 8,

    /// <summary>Takes eta (A1111 <c>eta_ancestral</c>, or <c>eta_ddim</c> for DDIM).</summary>
    UsesEta = 16,

    /// <summary>Takes s_churn / s_tmin / s_tmax.</summary>
    UsesChurn = 32,

    /// <summary>A "timesteps" sampler (DDIM, PLMS, UniPC): ignores the schedule type and works on ᾱ_t.</summary>
    Timesteps = 64,

    /// <summary>A1111 passes it <c>s_noise</c> (<c>sampler_extra_params</c>); for the others it stays 1.</summary>
    UsesSNoise = 128,
}
