using Microsoft.Extensions.DependencyInjection.Extensions;
using WebDiffusion.Server.Cli;
using WebDiffusion.Server.Doctor;
using WebDiffusion.Server.ModelDownload;

namespace WebDiffusion.Server.Hosting;

/// <summary>Registration of getting models (<c>models pull</c>, <c>/api/models/pull</c>) and checking the install (<c>doctor</c>).</summary>
public static class DeployServiceExtensions
{
    /// <summary>Adds the hub client, the puller and its background service, the doctor's checks and both verbs.</summary>
    public static IServiceCollection AddWebDiffusionDeploy(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ModelDownloadOptions>().BindConfiguration(Options.WebDiffusionOptions.SectionName);
        services.AddOptions<ExecutionProviderOptions>()
            .BindConfiguration(Options.WebDiffusionOptions.SectionName)
            .Validate(o => o.CpuThreads is >= 0 and <= 1024, "WebDiffusion:CpuThreads must be from 0 (one per core) to 1024.")
            .Validate(o => o.ExecutionProvider is not null && (string.Equals(o.ExecutionProvider, "cpu", StringComparison.OrdinalIgnoreCase) || string.Equals(o.ExecutionProvider, "cuda", StringComparison.OrdinalIgnoreCase)), "WebDiffusion:ExecutionProvider must be \"cpu\" or \"cuda\".")
            .ValidateOnStart();
        services.AddSingleton<HubClient>();
        services.AddSingleton<ModelPuller>();
        services.AddSingleton<ModelPullService>();
        services.AddSingleton<ICliVerb, ModelsPullVerb>();

        services.TryAddSingleton<IDoctorGenerationCheck, PipelineGenerationCheck>();
        services.AddSingleton<IDoctorCheck, PlatformDoctorCheck>();
        services.AddSingleton<IDoctorCheck, OnnxRuntimeDoctorCheck>();
        services.AddSingleton<IDoctorCheck, CudaDoctorCheck>();
        services.AddSingleton<IDoctorCheck, ModelsDoctorCheck>();
        services.AddSingleton<IDoctorCheck, DataDirDoctorCheck>();
        services.AddSingleton<IDoctorCheck, NetworkDoctorCheck>();
        services.AddSingleton<IDoctorCheck, GenerationDoctorCheck>();
        services.AddSingleton<ICliVerb, DoctorVerb>();
        return services;
    }
}
