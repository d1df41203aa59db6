using WebDiffusion.Core.Sampling.Samplers.KDiffusion;
using WebDiffusion.Core.Sampling.Samplers.Timesteps;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>
/// The samplers we implement, in A1111's UI order, with their aliases, default ("Automatic") schedule and flags;
/// name lookup is case-insensitive and splits legacy names such as "DPM++ 2M Karras" into sampler + schedule type.
/// </summary>
public static class SamplerRegistry
{
    private const SamplerFlags Churn = SamplerFlags.UsesChurn | SamplerFlags.UsesSNoise;
    private const SamplerFlags Noise = SamplerFlags.UsesSNoise;
    private const SamplerFlags Eta = SamplerFlags.UsesEta;
    private const SamplerFlags Ensd = SamplerFlags.UsesEnsd;
    private const SamplerFlags Second = SamplerFlags.SecondOrder;
    private const SamplerFlags Brownian = SamplerFlags.BrownianNoise;
    private const SamplerFlags Discard = SamplerFlags.DiscardPenultimateSigma;

    /// <summary>All samplers in A1111's order.</summary>
    public static IReadOnlyList<ISampler> All { get; } =
    [
        new DpmPp2MSampler(Info("DPM++ 2M", ["k_dpmpp_2m"], ScheduleType.Karras, SamplerFlags.None)),
        new DpmPpSdeSampler(Info("DPM++ SDE", ["k_dpmpp_sde"], ScheduleType.Karras, Second | Brownian | Eta | Noise)),
        new DpmPp2MSdeSampler(Info("DPM++ 2M SDE", ["k_dpmpp_2m_sde"], ScheduleType.Exponential, Brownian | Eta | Noise), heun: false),
        new DpmPp2MSdeSampler(Info("DPM++ 2M SDE Heun", ["k_dpmpp_2m_sde_heun"], ScheduleType.Exponential, Brownian | Eta | Noise), heun: true),
        new DpmPp2SAncestralSampler(Info("DPM++ 2S a", ["k_dpmpp_2s_a"], ScheduleType.Karras, Ensd | Second | Eta | Noise)),
        new DpmPp3MSdeSampler(Info("DPM++ 3M SDE", ["k_dpmpp_3m_sde"], ScheduleType.Exponential, Discard | Brownian | Eta | Noise)),
        new EulerAncestralSampler(Info("Euler a", ["k_euler_a", "k_euler_ancestral"], null, Ensd | Eta)),
        new EulerSampler(Info("Euler", ["k_euler"], null, Churn)),
        new LmsSampler(Info("LMS", ["k_lms"], null, SamplerFlags.None)),
        new HeunSampler(Info("Heun", ["k_heun"], null, Second | Churn)),
        new Dpm2Sampler(Info("DPM2", ["k_dpm_2"], ScheduleType.Karras, Discard | Second | Churn)),
        new Dpm2AncestralSampler(Info("DPM2 a", ["k_dpm_2_a"], ScheduleType.Karras, Discard | Ensd | Second | Eta | Noise)),
        new DpmFastSampler(Info("DPM fast", ["k_dpm_fast"], null, Ensd | Eta | Noise)),
        new DpmAdaptiveSampler(Info("DPM adaptive", ["k_dpm_ad"], null, Ensd | Eta)),
        new RestartSampler(Info("Restart", ["restart"], ScheduleType.Karras, Second)),
        new DdimSampler(Info("DDIM", ["ddim"], null, SamplerFlags.Timesteps | Eta)),
        new PlmsSampler(Info("PLMS", ["plms"], null, SamplerFlags.Timesteps)),
        new UniPcSampler(Info("UniPC", ["unipc"], null, SamplerFlags.Timesteps)),
        new LcmSampler(Info("LCM", ["k_lcm"], null, SamplerFlags.None)),
    ];

    private static readonly Dictionary<string, ISampler> ByName = BuildIndex();

    /// <summary>The UI names, in order.</summary>
    public static IReadOnlyList<string> Names => All.Select(s => s.Info.Name).ToArray();

    /// <summary>The sampler with this name or alias (case-insensitive), or <see cref="UnknownSamplerException"/> listing the valid names.</summary>
    public static ISampler Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(name, out var sampler) ? sampler : throw new UnknownSamplerException(name, Names);
    }

    /// <summary>Looks a sampler up by name or alias (case-insensitive).</summary>
    public static bool TryGet(string? name, out ISampler sampler)
    {
        sampler = null!;
        return !string.IsNullOrWhiteSpace(name) && ByName.TryGetValue(name.Trim(), out sampler!);
    }

    /// <summary>
    /// A1111's <c>get_sampler_and_scheduler</c>: resolves a sampler name that may carry a schedule suffix
    /// ("DPM++ 2M Karras" → DPM++ 2M + Karras) and a separate schedule name; a schedule equal to the sampler's default
    /// is reported as Automatic. Unknown names throw <see cref="UnknownSamplerException"/> / <see cref="UnknownSchedulerException"/>.
    /// </summary>
    public static (ISampler Sampler, SchedulerInfo Scheduler) Resolve(string samplerName, string? schedulerName = null)
    {
        ArgumentNullException.ThrowIfNull(samplerName);
        var scheduler = SchedulerCatalog.Find(schedulerName);
        var name = samplerName.Trim();
        if (!TryGet(name, out var sampler))
        {
            foreach (var candidate in SchedulerCatalog.All)
            {
                string[] options = [candidate.Label, candidate.Name, .. candidate.Aliases ?? []];
                var suffix = options.FirstOrDefault(o => name.EndsWith(" " + o, StringComparison.OrdinalIgnoreCase));
                if (suffix is not null && TryGet(name[..^(suffix.Length + 1)], out sampler))
                {
                    scheduler = candidate;
                    break;
                }
            }

            if (sampler is null)
            {
                throw new UnknownSamplerException(samplerName, Names);
            }
        }

        if (sampler.Info.DefaultScheduler == scheduler.Type)
        {
            scheduler = SchedulerCatalog.Get(ScheduleType.Automatic);
        }

        return (sampler, scheduler);
    }

    private static SamplerInfo Info(string name, string[] aliases, ScheduleType? scheduler, SamplerFlags flags) => new(name, aliases, scheduler, flags);

    private static Dictionary<string, ISampler> BuildIndex()
    {
        var index = new Dictionary<string, ISampler>(StringComparer.OrdinalIgnoreCase);
        foreach (var sampler in All)
        {
            index[sampler.Info.Name] = sampler;
            foreach (var alias in sampler.Info.Aliases)
            {
                index[alias] = sampler;
            }
        }

        return index;
    }
}
