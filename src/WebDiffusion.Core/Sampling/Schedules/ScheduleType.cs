namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>A1111's "Schedule type" values (<c>modules/sd_schedulers.py</c>).</summary>
public enum ScheduleType
{
    /// <summary>The sampler's own default (or the model's uniform schedule when it has none).</summary>
    Automatic,

    /// <summary>The model's discrete schedule, t evenly spaced.</summary>
    Uniform,

    /// <summary>Karras et al., ρ = 7.</summary>
    Karras,

    /// <summary>Log-linear in σ.</summary>
    Exponential,

    /// <summary>Polyexponential, ρ = 1.</summary>
    Polyexponential,

    /// <summary>SGM Uniform.</summary>
    SgmUniform,

    /// <summary>KL Optimal.</summary>
    KlOptimal,

    /// <summary>Align Your Steps (SD1.5 / SDXL lists).</summary>
    AlignYourSteps,

    /// <summary>Simple (strided table picks).</summary>
    Simple,

    /// <summary>Normal (linear in t).</summary>
    Normal,

    /// <summary>DDIM (every ⌊1000/n⌋-th table σ).</summary>
    Ddim,

    /// <summary>Beta(0.6, 0.6) quantiles.</summary>
    Beta,
}
