using Microsoft.ML.OnnxRuntime;
using WebDiffusion.Onnx.Package;

namespace WebDiffusion.Onnx;

/// <summary>
/// ONNX Runtime as the NuGet package brings it: version, providers and the process-wide environment (created once, by
/// the first <see cref="Load"/>, with ORT's log routed through <see cref="OrtRuntimeOptions.LogSink"/>). Every
/// <see cref="OrtRuntime"/> is a handle on that environment; sessions stay usable after it is disposed. Thread-safe.
/// </summary>
public sealed class OrtRuntime : IDisposable
{
    private static readonly Lock EnvLock = new();
    private static OrtEnv? _env;
    private int _disposed;

    private OrtRuntime(OrtRuntimeOptions options)
    {
        Options = options;
        Version = _env!.GetVersionString();
        AvailableProviders = _env.GetAvailableProviders();
        LibraryPath = LoadedLibrary.Find();
    }

    /// <summary>ORT's version string, e.g. "1.32.0".</summary>
    public string Version { get; }

    /// <summary>The package flavour this build links (CPU, or CUDA with <c>-p:OrtFlavor=Cuda</c>).</summary>
    public OrtFlavor Flavor => OrtFlavorAttribute.Current;

    /// <summary>Absolute path of the native library the process loaded (from the package's <c>runtimes/</c> folder or next to the app).</summary>
    public string LibraryPath { get; }

    /// <summary>
    /// Providers compiled into the library (e.g. CUDAExecutionProvider, CPUExecutionProvider). A hint only: CUDA is
    /// listed even when its dependencies or a GPU are missing.
    /// </summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>Options this runtime was loaded with.</summary>
    public OrtRuntimeOptions Options { get; }

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Creates ORT's environment on first use (later calls share it) and reads version and providers.</summary>
    /// <exception cref="OrtException">ORT could not create its environment.</exception>
    public static OrtRuntime Load(OrtRuntimeOptions? options = null)
    {
        options ??= new OrtRuntimeOptions();
        lock (EnvLock)
        {
            if (options.LogSink is not null)
            {
                OrtLog.Sink = options.LogSink;
            }

            if (_env is null)
            {
                var creation = new EnvironmentCreationOptions
                {
                    logId = options.LogId,
                    logLevel = (OrtLoggingLevel)(int)options.LogLevel,
                    loggingFunction = OrtLog.Callback,
                };
                try
                {
                    _env = OrtEnv.CreateInstanceWithOptions(ref creation);
                }
                catch (OnnxRuntimeException ex)
                {
                    throw OrtErrors.Translate(ex, "Creating the ONNX Runtime environment failed");
                }
            }

            return new OrtRuntime(options);
        }
    }

    /// <summary>
    /// Opens the model at <paramref name="modelPath"/> (external weights are read from beside it) and reads its
    /// input and output metadata. With <see cref="OrtSessionOptions.OptimizedModelCacheFolder"/> set, a model optimized
    /// before (same content, ORT version, provider and level) is loaded from the cache instead of being optimized again.
    /// </summary>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="OrtException">ORT refused the model (message names the file) or CUDA was required and is unavailable.</exception>
    public OrtSession CreateSession(string modelPath, OrtSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return OrtSession.CreateFromFile(this, Path.GetFullPath(modelPath), options ?? new OrtSessionOptions());
    }

    /// <summary>
    /// Opens a model held in memory (<paramref name="model"/>: the ONNX protobuf bytes) whose weights named in
    /// <paramref name="initializers"/> come from memory the caller supplies (a memory-mapped file region, a pinned
    /// buffer): ORT uses that memory in place, no protobuf copy. The session keeps the initializers' memory alive and
    /// disposes their owners after the native session is released.
    /// </summary>
    /// <param name="model">The model protobuf (graph, small constants; large weights declared as initializers without data or as inputs).</param>
    /// <param name="options">Session options (the optimized-model cache is not used for in-memory models).</param>
    /// <param name="initializers">Named weights over caller memory; may be empty.</param>
    /// <param name="modelName">How errors name this model (default "in-memory model").</param>
    /// <exception cref="ArgumentException">Two initializers share a name, or one names no initializer of the graph.</exception>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model.</exception>
    /// <exception cref="OrtException">ORT refused the model or an initializer (the message names the model).</exception>
    public OrtSession CreateSession(byte[] model, OrtSessionOptions? options, IReadOnlyList<OrtInitializer> initializers, string? modelName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(initializers);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return OrtSession.CreateFromBytes(this, model, options ?? new OrtSessionOptions(), initializers, modelName ?? "in-memory model");
    }

    /// <summary>Marks this handle disposed (the process-wide environment lives on for sessions still open). Safe to call twice.</summary>
    public void Dispose() => Interlocked.Exchange(ref _disposed, 1);
}
