using Microsoft.Extensions.Options;
using WebDiffusion.Onnx;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Options;

namespace WebDiffusion.Server.Runtime;

/// <summary>
/// Loads ONNX Runtime (the NuGet package's native library) lazily, once, and reports its version, library path and
/// providers. A failure is reported (version "not loaded", <see cref="OnnxRuntimeStatus.Error"/> says why), not thrown,
/// so the UI still starts.
/// </summary>
public sealed class OnnxRuntimeStatusProvider : IDisposable
{
    private readonly Lazy<(OrtRuntime? Runtime, OnnxRuntimeStatus Status)> _load;
    private readonly ILogger<OnnxRuntimeStatusProvider> _logger;

    public OnnxRuntimeStatusProvider(IOptions<WebDiffusionOptions> options, WebDiffusionPaths paths, ILogger<OnnxRuntimeStatusProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        _logger = logger;
        var runtimeOptions = RuntimeOptions();
        _load = new Lazy<(OrtRuntime?, OnnxRuntimeStatus)>(() => Load(runtimeOptions), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The status (loads the library on first use).</summary>
    public OnnxRuntimeStatus Current => _load.Value.Status;

    /// <summary>The loaded runtime, or null when loading failed (see <see cref="Current"/>).</summary>
    public OrtRuntime? Runtime => _load.Value.Runtime;

    /// <summary>The loaded runtime; <see cref="InvalidOperationException"/> with the reason when it could not be loaded.</summary>
    public OrtRuntime GetRequiredRuntime() =>
        Runtime ?? throw new InvalidOperationException("ONNX Runtime is not loaded: " + Current.Error);

    /// <summary>The runtime options the server loads ORT with (the native library comes with the NuGet package).</summary>
    public static OrtRuntimeOptions RuntimeOptions() => new();

    public void Dispose()
    {
        if (_load.IsValueCreated)
        {
            _load.Value.Runtime?.Dispose();
        }
    }

    private (OrtRuntime?, OnnxRuntimeStatus) Load(OrtRuntimeOptions options)
    {
        try
        {
            var runtime = OrtRuntime.Load(options);
            _logger.LogInformation("ONNX Runtime {Version} loaded from {Path}; providers: {Providers}",
                runtime.Version, runtime.LibraryPath, string.Join(", ", runtime.AvailableProviders));
            return (runtime, new OnnxRuntimeStatus(runtime.Version, runtime.LibraryPath, runtime.AvailableProviders, null));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DllNotFoundException or BadImageFormatException
            or NotSupportedException or InvalidOperationException or OrtException)
        {
            _logger.LogError("ONNX Runtime could not be loaded: {Reason}", ex.Message);
            return (null, new OnnxRuntimeStatus("not loaded", null, [], ex.Message));
        }
    }
}
