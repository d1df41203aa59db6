namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>How the training betas are spaced (diffusers <c>beta_schedule</c>).</summary>
public enum BetaScheduleKind
{
    /// <summary>"scaled_linear": linspace(sqrt(β₀), sqrt(β₁), N)² (ldm's "linear"; SD's default).</summary>
    ScaledLinear,

    /// <summary>"linear": linspace(β₀, β₁, N).</summary>
    Linear,
}
