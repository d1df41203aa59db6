namespace WebDiffusion.Onnx;

/// <summary>Which ONNX Runtime package this build links (MSBuild <c>-p:OrtFlavor=Cpu|Cuda</c>).</summary>
public enum OrtFlavor
{
    /// <summary><c>Microsoft.ML.OnnxRuntime</c>: the CPU provider only (the default: tests, <c>./webui.sh</c>).</summary>
    Cpu = 0,

    /// <summary><c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c>: CPU, CUDA and TensorRT providers (the Docker image, GPU hosts).</summary>
    Cuda = 1,
}
