using WebDiffusion.Onnx.Native;

namespace WebDiffusion.Onnx;

/// <summary>
/// The loaded ONNX Runtime: library, version, providers and an OrtEnv. The native library is loaded once per
/// process (a later <see cref="Load"/> reuses it and refuses a different file); every <see cref="OrtRuntime"/>
/// holds a reference on ORT's single, reference-counted environment, released on <see cref="Dispose"/> once no
/// session created from it is alive. Thread-safe.
/// </summary>
public sealed unsafe class OrtRuntime : IDisposable
{
    private readonly OrtEnvHandle _env;
    private readonly OrtRuntimeOptions _options;

    private OrtRuntime(OrtEnvHandle env, string libraryPath, IReadOnlyList<string> providers, OrtRuntimeOptions options)
    {
        _env = env;
        _options = options;
        LibraryPath = libraryPath;
        AvailableProviders = providers;
    }

    /// <summary>ORT's version string, e.g. "1.22.0".</summary>
    public string Version => OrtNative.Version;

    /// <summary>ORT's build info (git commit, build type).</summary>
    public string BuildInfo => OrtNative.BuildInfo;

    /// <summary>Absolute path of the loaded library.</summary>
    public string LibraryPath { get; }

    /// <summary>
    /// Providers compiled into the library (e.g. CUDAExecutionProvider, CPUExecutionProvider). A hint only: CUDA is
    /// listed even when its provider libraries or drivers are missing.
    /// </summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>Options this runtime was loaded with.</summary>
    public OrtRuntimeOptions Options => _options;

    internal OrtEnvHandle Env => _env;

    /// <summary>Loads (or reuses) the library found by <see cref="OrtLibraryLocator"/>, checks it is 1.22 or newer and creates the environment.</summary>
    /// <exception cref="FileNotFoundException">No library at the explicit path or anywhere searched.</exception>
    /// <exception cref="NotSupportedException">The library is older than 1.22.</exception>
    /// <exception cref="InvalidOperationException">A different ORT library is already loaded in this process.</exception>
    public static OrtRuntime Load(OrtRuntimeOptions? options = null)
    {
        options ??= new OrtRuntimeOptions();
        var path = OrtLibraryLocator.Resolve(options);
        OrtNative.Initialize(path);
        ref readonly var api = ref OrtNative.Api;

        nint env;
        fixed (byte* logId = Utf8.Encode(options.LogId))
        {
            OrtStatus.ThrowIfFailed(api.CreateEnv((int)options.LogLevel, logId, &env));
        }

        var envHandle = new OrtEnvHandle(env);
        try
        {
            return new OrtRuntime(envHandle, path, ReadProviders(), options);
        }
        catch
        {
            envHandle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the model at <paramref name="modelPath"/> (external weights are read from beside it) and reads its
    /// input and output metadata.
    /// </summary>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="OrtException">ORT refused the model (message names the file) or CUDA was required and is unavailable.</exception>
    public OrtSession CreateSession(string modelPath, OrtSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ObjectDisposedException.ThrowIf(_env.IsClosed, this);
        return OrtSession.Create(this, Path.GetFullPath(modelPath), options ?? new OrtSessionOptions());
    }

    /// <summary>Releases this runtime's reference on the environment (sessions keep their own until disposed). Safe to call twice.</summary>
    public void Dispose() => _env.Dispose();

    private static List<string> ReadProviders()
    {
        ref readonly var api = ref OrtNative.Api;
        byte** list;
        int count;
        OrtStatus.ThrowIfFailed(api.GetAvailableProviders(&list, &count));
        try
        {
            var providers = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                providers.Add(Utf8.ToStringOrEmpty(list[i]));
            }

            return providers;
        }
        finally
        {
            OrtStatus.Release(api.ReleaseAvailableProviders(list, count));
        }
    }
}
