namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>Choices of how <see cref="UNetCompiler"/> writes the graph; the defaults give plain ONNX operators only.</summary>
public sealed record UNetCompileOptions
{
    /// <summary>The default options (plain MatMul/Softmax attention).</summary>
    public static UNetCompileOptions Default { get; } = new();

    /// <summary>
    /// Write each attention as ORT's <c>com.microsoft</c> <c>MultiHeadAttention</c> contrib operator (one fused kernel, on the
    /// CPU provider too) instead of Reshape/Transpose/MatMul/Softmax. Same values; the graph then needs ONNX Runtime.
    /// </summary>
    public bool FusedAttention { get; init; }
}
