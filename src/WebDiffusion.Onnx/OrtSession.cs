using Microsoft.ML.OnnxRuntime;
using WebDiffusion.Onnx.Caching;
using WebDiffusion.Onnx.Package;

namespace WebDiffusion.Onnx;

/// <summary>
/// An inference session over one model (a file, or bytes in memory with weights from caller memory). Inputs and
/// outputs are read from the model at creation; every Run checks names, element types and ranks before calling ORT
/// and names the model in its errors. Runs may be made from several threads at once. Dispose when done: a Run in
/// flight keeps the native session alive until it returns.
/// </summary>
public sealed partial class OrtSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptionsPool _runOptions = new();
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;
    private readonly OrtTensor[] _initializers;
    private readonly IDisposable[] _owners;
    private int _references = 1;
    private int _disposed;

    private OrtSession(InferenceSession session, string modelPath, Attempt attempt, string? fallbackReason, OrtTensor[] initializers, IDisposable[] owners)
    {
        _session = session;
        _initializers = initializers;
        _owners = owners;
        ModelPath = modelPath;
        ExecutionProvider = attempt.Provider;
        ExecutionProviderFallbackReason = fallbackReason;
        OptimizedModelCacheFile = attempt.CacheFile;
        LoadedFromOptimizedModelCache = attempt.FromCache;
        Inputs = NodeInfoReader.Read(session.InputNames, session.InputMetadata);
        Outputs = NodeInfoReader.Read(session.OutputNames, session.OutputMetadata);
        _inputIndex = Index(Inputs);
        _outputIndex = Index(Outputs);
        OrtLiveObjects.Created();
    }

    /// <summary>Absolute path of the model file (the given name for an in-memory model).</summary>
    public string ModelPath { get; }

    /// <summary>The model's inputs, in model order.</summary>
    public IReadOnlyList<OrtNodeInfo> Inputs { get; }

    /// <summary>The model's outputs, in model order.</summary>
    public IReadOnlyList<OrtNodeInfo> Outputs { get; }

    /// <summary>The provider the session actually uses.</summary>
    public OrtExecutionProvider ExecutionProvider { get; }

    /// <summary>Why CUDA was requested but the session runs on the CPU; null when no fallback happened.</summary>
    public string? ExecutionProviderFallbackReason { get; }

    /// <summary>The optimized-model cache file this session was loaded from or wrote; null without a cache.</summary>
    public string? OptimizedModelCacheFile { get; }

    /// <summary>Whether the session was opened from ORT's optimized copy in the cache (no optimization at this load).</summary>
    public bool LoadedFromOptimizedModelCache { get; }

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal InferenceSession Native => _session;

    /// <summary>The input called <paramref name="name"/>, or null.</summary>
    public OrtNodeInfo? FindInput(string name) => _inputIndex.TryGetValue(name, out var i) ? Inputs[i] : null;

    /// <summary>The output called <paramref name="name"/>, or null.</summary>
    public OrtNodeInfo? FindOutput(string name) => _outputIndex.TryGetValue(name, out var i) ? Outputs[i] : null;

    /// <summary>Creates a binding of inputs and outputs to reuse across runs (e.g. across denoising steps).</summary>
    public OrtIoBinding CreateIoBinding()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return new OrtIoBinding(this);
    }

    /// <summary>Releases the session (deferred until Runs in flight return), then the initializers' memory. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ReleaseReference();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Path.GetFileName(ModelPath)} ({ExecutionProvider})";

    internal static OrtSession CreateFromFile(OrtRuntime runtime, string modelPath, OrtSessionOptions options)
    {
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"ONNX model not found: '{modelPath}'.", modelPath);
        }

        return Create(runtime, new ModelSource(modelPath, null, modelPath), options, [], []);
    }

    internal static OrtSession CreateFromBytes(OrtRuntime runtime, byte[] model, OrtSessionOptions options, IReadOnlyList<OrtInitializer> initializers, string name)
    {
        var owners = initializers.Select(i => i.Owner).OfType<IDisposable>().Distinct().ToArray();
        var tensors = new List<OrtTensor>(initializers.Count);
        try
        {
            var duplicate = initializers.GroupBy(i => i.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new ArgumentException($"Model '{name}': initializer '{duplicate.Key}' is supplied {duplicate.Count()} times.", nameof(initializers));
            }

            var declared = ModelWriter.OnnxModelInspector.ReadSignature(model, name).InitializerNames;
            var unknown = initializers.FirstOrDefault(i => !declared.Contains(i.Name));
            if (unknown is not null)
            {
                throw new ArgumentException(
                    $"Model '{name}' declares no initializer '{unknown.Name}' (ORT would ignore it); declared: {string.Join(", ", declared.Order(StringComparer.Ordinal))}.",
                    nameof(initializers));
            }

            foreach (var initializer in initializers)
            {
                tensors.Add(OrtTensor.CreateOver(initializer.Data, initializer.ByteCount, initializer.ElementType, [.. initializer.Shape]));
            }

            var source = new ModelSource(null, model, name) { InitializerNames = [.. initializers.Select(i => i.Name)] };
            return Create(runtime, source, options, [.. tensors], owners);
        }
        catch
        {
            Release(tensors, owners);
            throw;
        }
    }

    private static OrtSession Create(OrtRuntime runtime, ModelSource source, OrtSessionOptions options, OrtTensor[] initializers, IDisposable[] owners)
    {
        string? fallback = null;
        if (options.ExecutionProvider == OrtExecutionProvider.Cuda)
        {
            var cuda = TryCreate(runtime, source, options, OrtExecutionProvider.Cuda, initializers);
            if (cuda.Session is not null)
            {
                return new OrtSession(cuda.Session, source.Name, cuda, null, initializers, owners);
            }

            fallback = CudaUnavailable(runtime, source.Name, cuda.CudaReason!);
            if (options.RequireCuda)
            {
                throw new OrtException(OrtErrorCode.EpFail, fallback);
            }

            options.OnExecutionProviderFallback?.Invoke(fallback);
        }

        var cpu = TryCreate(runtime, source, options, OrtExecutionProvider.Cpu, initializers);
        return cpu.Session is null
            ? throw cpu.Error!
            : new OrtSession(cpu.Session, source.Name, cpu, fallback, initializers, owners);
    }

    private static Attempt TryCreate(OrtRuntime runtime, ModelSource source, OrtSessionOptions options, OrtExecutionProvider provider, OrtTensor[] initializers)
    {
        var cache = source.Path is not null && options.OptimizedModelCacheFolder is { } folder && string.IsNullOrEmpty(options.OptimizedModelPath)
            ? OptimizedModelCache.Find(folder, source.Path, runtime.Version, provider, options.GraphOptimizationLevel)
            : null;
        var namedInitializers = new List<(string, OrtValue)>(initializers.Length);
        for (var i = 0; i < initializers.Length; i++)
        {
            namedInitializers.Add((source.InitializerNames![i], initializers[i].Value));
        }

        if (cache is not null && File.Exists(cache.File))
        {
            var cached = Open(new ModelSource(cache.File, null, source.Name), options, provider, OrtGraphOptimizationLevel.DisableAll, null, namedInitializers);
            if (cached.Session is not null || cached.CudaReason is not null)
            {
                return cached with { CacheFile = cache.File, FromCache = cached.Session is not null };
            }

            cache.Delete();
        }

        if (cache is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cache.File)!);
        }

        var attempt = Open(source, options, provider, options.GraphOptimizationLevel, cache, namedInitializers);
        if (attempt.Session is not null && cache is not null)
        {
            cache.Commit();
            return attempt with { CacheFile = cache.File };
        }

        return attempt;
    }

    private static Attempt Open(
        ModelSource source,
        OrtSessionOptions options,
        OrtExecutionProvider provider,
        OrtGraphOptimizationLevel level,
        CacheEntry? writeCache,
        IReadOnlyList<(string Name, OrtValue Value)> initializers)
    {
        using var so = SessionOptionsFactory.Build(options, level, writeCache?.PartialFile, writeCache?.DataFileName, initializers);
        if (provider == OrtExecutionProvider.Cuda && SessionOptionsFactory.TryAppendCuda(so, options.Cuda) is { } reason)
        {
            return new Attempt(provider, null, null, reason);
        }

        OrtLog.ResetLoadFailure();
        try
        {
            var session = source.Bytes is not null ? new InferenceSession(source.Bytes, so) : new InferenceSession(source.Path!, so);
            return new Attempt(provider, session, null, null);
        }
        catch (OnnxRuntimeException ex)
        {
            return provider == OrtExecutionProvider.Cuda
                ? new Attempt(provider, null, null, SessionOptionsFactory.Describe(OrtErrors.Parse(ex.Message).Message))
                : new Attempt(provider, null, OrtErrors.Translate(ex, $"Loading ONNX model '{source.Name}' failed"), null);
        }
    }

    private static string CudaUnavailable(OrtRuntime runtime, string model, string reason) =>
        runtime.Flavor == OrtFlavor.Cuda
            ? $"The CUDA execution provider is not available here for '{model}' ({reason}). It needs CUDA 13 and cuDNN 9 " +
              $"on the loader path and a GPU; ONNX Runtime {runtime.Version}'s provider libraries are in '{Path.GetDirectoryName(runtime.LibraryPath)}'."
            : $"The CUDA execution provider is not available here for '{model}' ({reason}). This build links the CPU-only " +
              "package Microsoft.ML.OnnxRuntime, which has no libonnxruntime_providers_cuda.so: build with -p:OrtFlavor=Cuda " +
              "(as the Docker image does) and run on a host with CUDA 13, cuDNN 9 and a GPU.";

    private static void Release(IEnumerable<OrtTensor> tensors, IEnumerable<IDisposable> owners)
    {
        foreach (var tensor in tensors)
        {
            tensor.Dispose();
        }

        foreach (var owner in owners)
        {
            owner.Dispose();
        }
    }

    private static Dictionary<string, int> Index(IReadOnlyList<OrtNodeInfo> nodes)
    {
        var index = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            index[nodes[i].Name] = i;
        }

        return index;
    }

    /// <summary>Takes a reference for a Run; false once the session is disposed.</summary>
    private bool TryAddReference()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current <= 0 || IsDisposed)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    private void ReleaseReference()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        _runOptions.Dispose();
        _session.Dispose();
        Release(_initializers, _owners);
        OrtLiveObjects.Released();
    }

    /// <summary>A model file or model bytes, and the name errors use.</summary>
    private sealed record ModelSource(string? Path, byte[]? Bytes, string Name)
    {
        public IReadOnlyList<string>? InitializerNames { get; init; }
    }

    /// <summary>One try at creating the native session on one provider.</summary>
    private sealed record Attempt(OrtExecutionProvider Provider, InferenceSession? Session, OrtException? Error, string? CudaReason)
    {
        public string? CacheFile { get; init; }

        public bool FromCache { get; init; }
    }
}
