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

    /// <summary>
    /// Which weights (full checkpoint keys) become float32 graph inputs instead of initializers, so LoRA-merged values can be
    /// bound on each run without a rebuild (see <see cref="LoraTargets.IsUNetTarget"/>); null: none.
    /// </summary>
    public Func<string, bool>? WeightInputs { get; init; }
}
