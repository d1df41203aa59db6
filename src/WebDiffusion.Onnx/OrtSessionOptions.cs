namespace WebDiffusion.Onnx;

/// <summary>How to create an <see cref="OrtSession"/> (a plain options object; nothing native until the session is created).</summary>
public sealed class OrtSessionOptions
{
    /// <summary>Threads inside one operator; 0 = ORT's default (physical cores).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across operators (parallel execution mode only); 0 = ORT's default.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Graph optimization level.</summary>
    public OrtGraphOptimizationLevel GraphOptimizationLevel { get; set; } = OrtGraphOptimizationLevel.All;

    /// <summary>Use ORT's CPU memory arena.</summary>
    public bool EnableMemoryArena { get; set; } = true;

    /// <summary>Pre-plan memory for repeated runs with the same shapes.</summary>
    public bool EnableMemoryPattern { get; set; } = true;

    /// <summary>Fixes symbolic dimensions by name (e.g. "batch" = 1) so ORT can plan for them.</summary>
    public IDictionary<string, long> FreeDimensionOverrides { get; private set; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Session configuration entries (<c>AddSessionConfigEntry</c>), e.g. <c>session.intra_op.allow_spinning</c>.</summary>
    public IDictionary<string, string> ConfigEntries { get; private set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>When set, ORT writes the optimized model to this path (and <see cref="OptimizedModelCacheFolder"/> is not used).</summary>
    public string? OptimizedModelPath { get; set; }

    /// <summary>
    /// ORT's optimized-model cache for models opened from a file: the first load writes the optimized model here (keyed by
    /// the model's content hash, ORT version, provider, optimization level and CPU instruction set), later loads open
    /// that copy with optimizations off instead of optimizing again. Null = no cache.
    /// </summary>
    public string? OptimizedModelCacheFolder { get; set; }

    /// <summary>Severity threshold of this session's log; null = the environment's.</summary>
    public OrtLogLevel? LogLevel { get; set; }

    /// <summary>The requested execution provider.</summary>
    public OrtExecutionProvider ExecutionProvider { get; set; } = OrtExecutionProvider.Cpu;

    /// <summary>CUDA options, used when <see cref="ExecutionProvider"/> is <see cref="OrtExecutionProvider.Cuda"/>.</summary>
    public CudaProviderOptions Cuda { get; set; } = new();

    /// <summary>
    /// When CUDA is requested but cannot be used: true = throw an <see cref="OrtException"/>; false = run on the CPU and
    /// report why in <see cref="OrtSession.ExecutionProviderFallbackReason"/> and <see cref="OnExecutionProviderFallback"/>.
    /// </summary>
    public bool RequireCuda { get; set; }

    /// <summary>Called (on the creating thread) with the reason when the session falls back from CUDA to the CPU.</summary>
    public Action<string>? OnExecutionProviderFallback { get; set; }

    /// <summary>A copy whose dictionaries are new (changing the copy leaves this one as it is).</summary>
    public OrtSessionOptions Clone()
    {
        var copy = (OrtSessionOptions)MemberwiseClone();
        copy.FreeDimensionOverrides = new Dictionary<string, long>(FreeDimensionOverrides, StringComparer.Ordinal);
        copy.ConfigEntries = new Dictionary<string, string>(ConfigEntries, StringComparer.Ordinal);
        return copy;
    }
}
