using WebDiffusion.Core.Upscaling;
using WebDiffusion.Onnx;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Hosting;

/// <summary>Registration of the A1111-compatible /sdapi services: options, the model selection, Extras.</summary>
public static class SdApiServiceExtensions
{
    /// <summary>Adds <see cref="SdApiOptionsStore"/>, <see cref="CurrentModelSelection"/> (also as <see cref="IModelLifecycle"/>) and <see cref="ExtrasProcessor"/>.</summary>
    public static IServiceCollection AddWebDiffusionSdApi(this IServiceCollection services)
    {
        services.AddSingleton<SdApiOptionsStore>();
        services.AddSingleton<CurrentModelSelection>();
        services.AddSingleton<IModelLifecycle>(sp => sp.GetRequiredService<CurrentModelSelection>());
        services.AddSingleton(sp => new UpscalerCatalog(sp.GetRequiredService<WebDiffusionPaths>().ModelsDir));
        services.AddSingleton(sp => new NeuralUpscalerCache(sp.GetRequiredService<OrtRuntime>()));
        services.AddSingleton(sp => new ModelUpscalers(sp.GetRequiredService<UpscalerCatalog>(), sp.GetRequiredService<NeuralUpscalerCache>()));
        services.AddSingleton<ExtrasProcessor>();
        return services;
    }
}
