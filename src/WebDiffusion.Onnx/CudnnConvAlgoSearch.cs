namespace WebDiffusion.Onnx;

/// <summary>How the CUDA execution provider picks cuDNN convolution algorithms (<c>cudnn_conv_algo_search</c>).</summary>
public enum CudnnConvAlgoSearch
{
    /// <summary>Benchmark every algorithm for each new shape (ORT's default; slow first run).</summary>
    Exhaustive = 0,

    /// <summary>cuDNN's heuristics (fast start, good for dynamic shapes).</summary>
    Heuristic = 1,

    /// <summary>cuDNN's default algorithm.</summary>
    Default = 2,
}
