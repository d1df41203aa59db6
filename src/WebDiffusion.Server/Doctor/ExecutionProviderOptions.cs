namespace WebDiffusion.Server.Doctor;

/// <summary>
/// Which execution provider the user asked for (section <c>WebDiffusion</c>): <c>ExecutionProvider</c> "cpu"
/// (default) or "cuda", <c>RequireCuda</c> (true: running without CUDA is an error, not a fallback), and
/// <c>CpuThreads</c> (ONNX Runtime's intra-op threads; 0 = one per core).
/// </summary>
public sealed class ExecutionProviderOptions
{
    /// <summary>"cpu" or "cuda".</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>True when a CUDA failure must stop the server instead of falling back to the CPU.</summary>
    public bool RequireCuda { get; set; }

    /// <summary>
    /// Threads ONNX Runtime computes with on the CPU; 0 (default) uses every core. Fewer leaves cores to other work on
    /// the host, such as a browser on the same machine, which otherwise renders live progress in bursts.
    /// </summary>
    public int CpuThreads { get; set; }

    /// <summary>The intra-op thread count to open sessions with: <see cref="CpuThreads"/>, or one per core when 0.</summary>
    public int EffectiveCpuThreads => CpuThreads > 0 ? CpuThreads : Math.Max(1, Environment.ProcessorCount);

    /// <summary>True when CUDA was asked for (by <see cref="ExecutionProvider"/> or <see cref="RequireCuda"/>).</summary>
    public bool CudaRequested => RequireCuda || string.Equals(ExecutionProvider, "cuda", StringComparison.OrdinalIgnoreCase);
}
