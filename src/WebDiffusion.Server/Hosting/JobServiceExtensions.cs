using WebDiffusion.Server.Api;
using WebDiffusion.Server.Generation;
using WebDiffusion.Server.Hubs;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Settings;

namespace WebDiffusion.Server.Hosting;

/// <summary>Registration of the job engine: journal, queue, worker, hub events, outputs, settings.</summary>
public static class JobServiceExtensions
{
    public static IServiceCollection AddWebDiffusionJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobQueueOptions>().Bind(configuration.GetSection(JobQueueOptions.SectionName));
        services.AddOptions<GenerationLimits>().Bind(configuration.GetSection(GenerationLimits.SectionName));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<JobStore>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<LiveProgress>();
        services.AddSingleton<OutputWriter>();
        services.AddSingleton<OutputReconciler>();
        services.AddSingleton<JobService>();
        services.AddSingleton<QueuePositions>();
        services.AddSingleton<JobCompletions>();
        services.AddSingleton<JobRequestParser>();
        services.AddSingleton<GenerationSubmission>();
        services.AddSingleton<UserSettingsStore>();
        services.AddSingleton<IJobEvents, HubJobEvents>();
        services.AddSingleton<ModelCache>();
        services.AddSingleton<EmbeddingLibrarySource>();
        services.AddSingleton<TextRequestCheck>();
        services.AddSingleton<ISamplerCatalog, SamplerCatalog>();
        services.AddSingleton<ICheckpointCatalog, CheckpointCatalog>();
        services.AddSingleton<IJobExecutor, PipelineJobExecutor>();
        services.AddHostedService<GenerationWorker>();
        services.AddSignalR(o => o.MaximumReceiveMessageSize = 64 * 1024);
        return services;
    }
}
