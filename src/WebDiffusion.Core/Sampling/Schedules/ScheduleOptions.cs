namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>The user's schedule choices and A1111's schedule-related settings.</summary>
public sealed record ScheduleOptions
{
    /// <summary>Default options (Automatic, model σ range, default ρ).</summary>
    public static ScheduleOptions Default { get; } = new();

    /// <summary>"Schedule type".</summary>
    public ScheduleType Type { get; init; } = ScheduleType.Automatic;

    /// <summary>Override of σmin ("Schedule min sigma"); 0 = the model's.</summary>
    public double SigmaMin { get; init; }

    /// <summary>Override of σmax ("Schedule max sigma"); 0 = the model's.</summary>
    public double SigmaMax { get; init; }

    /// <summary>Override of ρ for Karras/Polyexponential ("Schedule rho"); 0 = the schedule's default.</summary>
    public double Rho { get; init; }

    /// <summary>A1111 option <c>always_discard_next_to_last_sigma</c>.</summary>
    public bool AlwaysDiscardPenultimateSigma { get; init; }

    /// <summary>A1111 option <c>use_old_karras_scheduler_sigmas</c>: σ range 0.1 … 10.</summary>
    public bool UseOldKarrasSigmas { get; init; }

    /// <summary>Beta schedule α (A1111 <c>beta_dist_alpha</c>, 0.6).</summary>
    public double BetaAlpha { get; init; } = 0.6;

    /// <summary>Beta schedule β (A1111 <c>beta_dist_beta</c>, 0.6).</summary>
    public double BetaBeta { get; init; } = 0.6;

    /// <summary>Whether the model is SDXL (Align Your Steps picks its list).</summary>
    public bool IsSdxl { get; init; }
}
