namespace WebDiffusion.Server.Doctor;

/// <summary>
/// Which execution provider the user asked for (section <c>WebDiffusion</c>): <c>ExecutionProvider</c> "cpu"
/// (default) or "cuda", and <c>RequireCuda</c> (true: running without CUDA is an error, not a fallback).
/// </summary>
public sealed class ExecutionProviderOptions
{
    /// <summary>"cpu" or "cuda".</summary>
    public string ExecutionProvider { get; set; } = "cpu";

    /// <summary>True when a CUDA failure must stop the server instead of falling back to the CPU.</summary>
    public bool RequireCuda { get; set; }

    /// <summary>True when CUDA was asked for (by <see cref="ExecutionProvider"/> or <see cref="RequireCuda"/>).</summary>
    public bool CudaRequested => RequireCuda || string.Equals(ExecutionProvider, "cuda", StringComparison.OrdinalIgnoreCase);
}
