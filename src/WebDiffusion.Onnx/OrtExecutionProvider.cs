namespace WebDiffusion.Onnx;

/// <summary>Where a session runs its nodes.</summary>
public enum OrtExecutionProvider
{
    /// <summary>The CPU execution provider (always available).</summary>
    Cpu = 0,

    /// <summary>The CUDA execution provider (needs the provider libraries of the same ORT version, CUDA 12 and cuDNN 9).</summary>
    Cuda = 1,
}
