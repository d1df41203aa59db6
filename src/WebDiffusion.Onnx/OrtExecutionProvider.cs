namespace WebDiffusion.Onnx;

/// <summary>Where a session runs its nodes.</summary>
public enum OrtExecutionProvider
{
    /// <summary>The CPU execution provider (always available).</summary>
    Cpu = 0,

    /// <summary>The CUDA execution provider (needs the Cuda build flavour, CUDA 13, cuDNN 9 and a GPU).</summary>
    Cuda = 1,
}
