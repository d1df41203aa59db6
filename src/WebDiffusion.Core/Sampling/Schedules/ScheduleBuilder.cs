namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>A1111's <c>KDiffusionSampler.get_sigmas</c>: the σ sequence for a sampler, a step count and the options.</summary>
public static class ScheduleBuilder
{
    /// <summary>
    /// The σ sequence (high → low, usually steps + 1 values ending in 0). "Automatic" resolves to
    /// <paramref name="samplerDefault"/> or, when the sampler has none, the model's uniform schedule. When the sampler
    /// (or the option) discards the penultimate σ, steps + 1 are computed and the second-to-last value is removed.
    /// </summary>
    public static float[] Build(DiscreteSchedule model, int steps, ScheduleOptions? options = null, ScheduleType? samplerDefault = null, bool samplerDiscardsPenultimate = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (steps < 1 || steps > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "Sampling steps must be between 1 and 10000.");
        }

        options ??= ScheduleOptions.Default;
        var discard = samplerDiscardsPenultimate || options.AlwaysDiscardPenultimateSigma;
        var n = discard ? steps + 1 : steps;
        var type = Resolve(options.Type, samplerDefault);
        double sigmaMin = options.UseOldKarrasSigmas ? 0.1 : model.SigmaMin;
        double sigmaMax = options.UseOldKarrasSigmas ? 10.0 : model.SigmaMax;
        if (type != ScheduleType.Uniform)
        {
            if (options.SigmaMin > 0)
            {
                sigmaMin = options.SigmaMin;
            }

            if (options.SigmaMax > 0)
            {
                sigmaMax = options.SigmaMax;
            }
        }

        var info = SchedulerCatalog.Get(type);
        var rho = options.Rho > 0 && info.DefaultRho > 0 ? options.Rho : info.DefaultRho;
        var sigmas = type switch
        {
            ScheduleType.Uniform => SigmaSchedules.Uniform(model, n),
            ScheduleType.Karras => SigmaSchedules.Karras(n, sigmaMin, sigmaMax, rho),
            ScheduleType.Exponential => SigmaSchedules.Exponential(n, sigmaMin, sigmaMax),
            ScheduleType.Polyexponential => SigmaSchedules.Polyexponential(n, sigmaMin, sigmaMax, rho),
            ScheduleType.SgmUniform => SigmaSchedules.SgmUniform(model, n, sigmaMin, sigmaMax),
            ScheduleType.KlOptimal => SigmaSchedules.KlOptimal(n, sigmaMin, sigmaMax),
            ScheduleType.AlignYourSteps => SigmaSchedules.AlignYourSteps(n, options.IsSdxl),
            ScheduleType.Simple => SigmaSchedules.Simple(model, n),
            ScheduleType.Normal => SigmaSchedules.Normal(model, n, sigmaMin, sigmaMax),
            ScheduleType.Ddim => SigmaSchedules.Ddim(model, n),
            ScheduleType.Beta => SigmaSchedules.Beta(n, sigmaMin, sigmaMax, options.BetaAlpha, options.BetaBeta),
            _ => SigmaSchedules.Uniform(model, n),
        };

        if (discard && sigmas.Length >= 2)
        {
            var trimmed = new float[sigmas.Length - 1];
            sigmas.AsSpan(0, sigmas.Length - 2).CopyTo(trimmed);
            trimmed[^1] = sigmas[^1];
            sigmas = trimmed;
        }

        return sigmas;
    }

    /// <summary>The schedule actually used: Automatic → the sampler default, or Uniform.</summary>
    public static ScheduleType Resolve(ScheduleType requested, ScheduleType? samplerDefault) =>
        requested != ScheduleType.Automatic ? requested : samplerDefault is { } d && d != ScheduleType.Automatic ? d : ScheduleType.Uniform;
}
