using System.Globalization;
using WebDiffusion.Core.Sampling.Samplers;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// One sampling pass's resolved settings: A1111's request fields over its options, restricted to what the sampler
/// takes (<c>Sampler.initialize</c>, <c>get_sigmas</c>), and the infotext pairs A1111 adds for them (only non-defaults).
/// </summary>
/// <param name="Parameters">What the sampler gets.</param>
/// <param name="Schedule">The schedule type and overrides.</param>
/// <param name="Eta">The eta the sampler uses, or null when it takes none.</param>
/// <param name="Infotext">The <c>extra_generation_params</c> pairs, in A1111's insertion order.</param>
public sealed record SamplingSetup(SamplerParameters Parameters, ScheduleOptions Schedule, double? Eta, IReadOnlyList<KeyValuePair<string, string>> Infotext)
{
    /// <summary>Resolves a pass of <paramref name="sampler"/>; <paramref name="img2img"/> is true for img2img and the hires pass.</summary>
    public static SamplingSetup Resolve(ISampler sampler, ScheduleType scheduleType, GenerationRequest request, SamplerSettings settings, DiscreteSchedule model, bool img2img)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(model);
        var info = sampler.Info;
        var extra = new List<KeyValuePair<string, string>>();
        void Add(string key, string value) => extra.Add(new(key, value));

        // get_sigmas: discard penultimate, then the σ range / ρ of a scheduler function (not the model's own table).
        var discard = settings.AlwaysDiscardPenultimateSigma && !info.Has(SamplerFlags.DiscardPenultimateSigma);
        if (discard)
        {
            Add("Discard penultimate sigma", "True");
        }

        var timesteps = info.Has(SamplerFlags.Timesteps);
        var resolved = ScheduleBuilder.Resolve(scheduleType, info.DefaultScheduler);
        var usesFunction = !timesteps && (scheduleType != ScheduleType.Automatic || info.DefaultScheduler is not null);
        var sigmaMin = usesFunction && settings.SigmaMin != 0 && (float)settings.SigmaMin != model.SigmaMin ? settings.SigmaMin : 0;
        var sigmaMax = usesFunction && settings.SigmaMax != 0 && (float)settings.SigmaMax != model.SigmaMax ? settings.SigmaMax : 0;
        var defaultRho = SchedulerCatalog.Get(resolved).DefaultRho;
        var rho = usesFunction && defaultRho != -1 && settings.Rho != 0 && settings.Rho != defaultRho ? settings.Rho : 0;
        if (sigmaMin != 0)
        {
            Add("Schedule min sigma", Python(sigmaMin));
        }

        if (sigmaMax != 0)
        {
            Add("Schedule max sigma", Python(sigmaMax));
        }

        if (rho != 0)
        {
            Add("Schedule rho", Python(rho));
        }

        // initialize: eta (A1111's p.eta, else eta_ancestral or, for the timesteps samplers, eta_ddim), then s_*.
        double? eta = null;
        if (info.Has(SamplerFlags.UsesEta))
        {
            var etaDefault = timesteps ? 0.0 : 1.0;
            eta = request.Eta ?? (timesteps ? settings.EtaDdim : settings.EtaAncestral);
            if (eta.Value != etaDefault)
            {
                Add(timesteps ? "Eta DDIM" : "Eta", Python(eta.Value));
            }
        }

        var churn = info.Has(SamplerFlags.UsesChurn);
        var sChurn = churn ? request.SChurn ?? settings.SChurn : 0;
        var sTmin = churn ? request.STmin ?? settings.STmin : 0;
        var sTmax = churn ? request.STmax ?? settings.STmax : 0;
        var sNoise = info.Has(SamplerFlags.UsesSNoise) ? request.SNoise ?? settings.SNoise : 1.0;
        if (sChurn != 0)
        {
            Add("Sigma churn", Python(sChurn));
        }

        if (sTmin != 0)
        {
            Add("Sigma tmin", Python(sTmin));
        }

        if (sTmax != 0 && double.IsFinite(sTmax))
        {
            Add("Sigma tmax", Python(sTmax));
        }

        if (sNoise != 1.0)
        {
            Add("Sigma noise", Python(sNoise));
        }

        // sample (txt2img only): the SGM start.
        var sgm = settings.SgmNoiseMultiplier && !timesteps && !img2img;
        if (sgm)
        {
            Add("SGM noise multiplier", "True");
        }

        var parameters = new SamplerParameters
        {
            Eta = eta,
            SChurn = sChurn,
            STmin = sTmin,
            STmax = sTmax > 0 ? sTmax : double.PositiveInfinity,
            SNoise = sNoise,
            SgmNoiseMultiplier = sgm,
            UniPcOrder = settings.UniPcOrder,
        };
        var schedule = new ScheduleOptions
        {
            Type = scheduleType,
            SigmaMin = sigmaMin,
            SigmaMax = sigmaMax,
            Rho = rho,
            AlwaysDiscardPenultimateSigma = discard,
        };
        return new SamplingSetup(parameters, schedule, eta, extra);
    }

    /// <summary>A number as Python's <c>str(float)</c> writes it (1 → "1.0", 1.1 → "1.1").</summary>
    public static string Python(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(value) && value == Math.Floor(value) && !text.Contains('E', StringComparison.Ordinal) ? text + ".0" : text;
    }
}
