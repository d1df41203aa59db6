using WebDiffusion.Core.Sampling.Samplers;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Server.Endpoints;

/// <summary>
/// Sampler and schedule-type lists: A1111's <c>/sdapi/v1/samplers</c> and <c>/sdapi/v1/schedulers</c> shapes, and
/// the UI's <c>/api/samplers</c> and <c>/api/schedulers</c>; exactly what <see cref="SamplerRegistry"/> implements.
/// </summary>
public static class SamplerEndpoints
{
    public static IEndpointRouteBuilder MapSamplerEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var a1111Samplers = SamplerRegistry.All.Select(s => new
        {
            name = s.Info.Name,
            aliases = s.Info.Aliases,
            options = Options(s.Info),
        }).ToArray();
        var a1111Schedulers = SchedulerCatalog.All.Select(s => new
        {
            name = s.Name,
            label = s.Label,
            aliases = s.Aliases,
            default_rho = s.DefaultRho,
            need_inner_model = s.NeedInnerModel,
        }).ToArray();
        var samplers = SamplerRegistry.All.Select(s => new { name = s.Info.Name, aliases = s.Info.Aliases }).ToArray();
        var schedulers = SchedulerCatalog.All.Select(s => new { name = s.Name, label = s.Label }).ToArray();

        endpoints.MapGet("/sdapi/v1/samplers", () => Results.Ok(a1111Samplers));
        endpoints.MapGet("/sdapi/v1/schedulers", () => Results.Ok(a1111Schedulers));
        endpoints.MapGet("/api/samplers", () => Results.Ok(samplers));
        endpoints.MapGet("/api/schedulers", () => Results.Ok(schedulers));
        return endpoints;
    }

    /// <summary>A1111's sampler options as strings (its API model is <c>dict[str, str]</c>).</summary>
    private static Dictionary<string, string> Options(SamplerInfo info)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        if (info.DefaultScheduler is { } scheduler)
        {
            options["scheduler"] = SchedulerCatalog.Get(scheduler).Name;
        }

        if (info.Has(SamplerFlags.DiscardPenultimateSigma))
        {
            options["discard_next_to_last_sigma"] = "True";
        }

        if (info.Has(SamplerFlags.SecondOrder))
        {
            options["second_order"] = "True";
        }

        if (info.Has(SamplerFlags.BrownianNoise))
        {
            options["brownian_noise"] = "True";
        }

        if (info.Has(SamplerFlags.UsesEnsd))
        {
            options["uses_ensd"] = "True";
        }

        if (info.Name == "DPM++ 2M SDE Heun")
        {
            options["solver_type"] = "heun";
        }

        return options;
    }
}
