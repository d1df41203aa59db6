namespace WebDiffusion.Onnx;

/// <summary>ONNX Runtime's <c>GraphOptimizationLevel</c>.</summary>
public enum OrtGraphOptimizationLevel
{
    /// <summary>No graph optimizations.</summary>
    DisableAll = 0,

    /// <summary>Basic (constant folding, redundant node elimination).</summary>
    Basic = 1,

    /// <summary>Basic plus extended fusions.</summary>
    Extended = 2,

    /// <summary>Everything, including layout optimizations (ORT's default).</summary>
    All = 99,
}
