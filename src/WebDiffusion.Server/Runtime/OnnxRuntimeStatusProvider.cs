using Microsoft.Extensions.Options;
using WebDiffusion.Onnx;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Options;

namespace WebDiffusion.Server.Runtime;

/// <summary>
/// Loads ONNX Runtime lazily, once, and reports its version, library path and providers. The library is looked for
/// at <see cref="WebDiffusionOptions.OnnxRuntimePath"/> (relative to the content root) when set, else next to the app,
/// else in the set-up cache <c>&lt;content root&gt;/.cache/onnxruntime/1.22.0/linux-x64/</c>. A failure is reported
/// (version "not loaded", <see cref="OnnxRuntimeStatus.Error"/> says why), not thrown, so the UI still starts.
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
        var runtimeOptions = RuntimeOptions(options.Value.OnnxRuntimePath, paths.ContentRoot);
        _load = new Lazy<(OrtRuntime?, OnnxRuntimeStatus)>(() => Load(runtimeOptions), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The status (loads the library on first use).</summary>
    public OnnxRuntimeStatus Current => _load.Value.Status;

    /// <summary>The loaded runtime, or null when loading failed (see <see cref="Current"/>).</summary>
    public OrtRuntime? Runtime => _load.Value.Runtime;

    /// <summary>The loaded runtime; <see cref="InvalidOperationException"/> with the reason when it could not be loaded.</summary>
    public OrtRuntime GetRequiredRuntime() =>
        Runtime ?? throw new InvalidOperationException("ONNX Runtime is not loaded: " + Current.Error);

    /// <summary>Where the library is looked for, in order, for a configured path and content root.</summary>
    public static OrtRuntimeOptions RuntimeOptions(string? configuredPath, string contentRoot)
    {
        var options = new OrtRuntimeOptions
        {
            LibraryPath = string.IsNullOrWhiteSpace(configuredPath) ? null : Path.GetFullPath(configuredPath, contentRoot),
        };
        options.SearchDirectories.Add(Path.Combine(contentRoot, OrtLibraryLocator.SetUpCacheRelativeFolder));
        return options;
    }

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
            return (null, new OnnxRuntimeStatus("not loaded", options.LibraryPath, [], ex.Message));
        }
    }
}
