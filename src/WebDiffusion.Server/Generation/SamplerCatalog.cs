using WebDiffusion.Core.Sampling.Samplers;
using WebDiffusion.Core.Sampling.Schedules;
using WebDiffusion.Server.Api;

namespace WebDiffusion.Server.Generation;

/// <summary>Sampler and schedule names the pipeline accepts, from the sampling registry.</summary>
public sealed class SamplerCatalog : ISamplerCatalog
{
    public bool IsKnownSampler(string name)
    {
        try
        {
            SamplerRegistry.Resolve(name, null);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public bool IsKnownScheduler(string name) => SchedulerCatalog.TryFind(name, out _);
}
