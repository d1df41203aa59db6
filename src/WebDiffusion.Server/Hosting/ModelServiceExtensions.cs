using WebDiffusion.Core.Models;
using WebDiffusion.Server.Cli;

namespace WebDiffusion.Server.Hosting;

/// <summary>Registration of the model registry, its CLI verbs and the demo-model tokenizer source.</summary>
public static class ModelServiceExtensions
{
    /// <summary>Adds <see cref="ModelRegistry"/> over the configured models folder, <c>models list</c> and <c>models demo</c>.</summary>
    public static IServiceCollection AddWebDiffusionModels(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var paths = sp.GetRequiredService<WebDiffusionPaths>();
            return new ModelRegistry(paths.ModelsDir, paths.DataDir, Path.Combine(paths.ContentRoot, "embeddings"));
        });
        services.AddSingleton<ITokenizerFilesSource, EmbeddedTokenizerFilesSource>();
        services.AddSingleton<ICliVerb, ModelsListVerb>();
        services.AddSingleton<ICliVerb, ModelsDemoVerb>();
        return services;
    }
}
