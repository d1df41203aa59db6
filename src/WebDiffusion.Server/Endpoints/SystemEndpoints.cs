using Microsoft.Extensions.Options;
using WebDiffusion.Server.Doctor;
using WebDiffusion.Server.Generation;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Options;
using WebDiffusion.Server.Runtime;

namespace WebDiffusion.Server.Endpoints;

/// <summary><c>/health</c> (liveness, open) and <c>/api/system</c>.</summary>
public static class SystemEndpoints
{
    private static readonly string AppVersion =
        typeof(SystemEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static IEndpointRouteBuilder MapSystemEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        endpoints.MapGet("/api/system", (OnnxRuntimeStatusProvider runtime, WebDiffusionPaths paths, IOptions<WebDiffusionOptions> options, IOptions<ExecutionProviderOptions> execution, ModelCache models) =>
        {
            var ort = runtime.Current;
            return Results.Ok(new
            {
                version = AppVersion,
                // providers: what this ONNX Runtime build was compiled with (CUDA is listed even without a GPU);
                // requestedProvider: the setting; activeProvider: what the loaded model really runs on (null: none loaded).
                onnxRuntime = new
                {
                    version = ort.Version,
                    libraryPath = ort.LibraryPath,
                    providers = ort.Providers,
                    requestedProvider = execution.Value.CudaRequested ? "cuda" : "cpu",
                    activeProvider = models.LoadedExecutionProvider,
                    cpuThreads = execution.Value.EffectiveCpuThreads,
                    error = ort.Error,
                },
                modelsDir = paths.ModelsDir,
                dataDir = paths.DataDir,
                listen = options.Value.Listen,
                authEnabled = options.Value.HasCredentials,
            });
        });
        return endpoints;
    }
}
