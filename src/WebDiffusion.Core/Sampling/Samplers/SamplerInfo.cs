using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>A sampler as A1111 lists it.</summary>
/// <param name="Name">The UI name, e.g. "DPM++ 2M".</param>
/// <param name="Aliases">Other accepted names, e.g. "k_dpmpp_2m".</param>
/// <param name="DefaultScheduler">What "Automatic" means for it; null = the model's uniform schedule.</param>
/// <param name="Flags">Behaviour flags.</param>
public sealed record SamplerInfo(string Name, IReadOnlyList<string> Aliases, ScheduleType? DefaultScheduler, SamplerFlags Flags)
{
    /// <summary>Whether the flag is set.</summary>
    public bool Has(SamplerFlags flag) => (Flags & flag) == flag;
}
