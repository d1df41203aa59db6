using System.Numerics.Tensors;

namespace WebDiffusion.Core.Lora;

/// <summary>
/// A LyCORIS LoHa module: <c>hada_w1_a</c> [out, r], <c>hada_w1_b</c> [r, in·kh·kw], <c>hada_w2_a</c> [out, r2],
/// <c>hada_w2_b</c> [r2, in·kh·kw], <c>alpha</c>; ΔW = (w1a · w1b) ⊙ (w2a · w2b), scale alpha / r (r = w1b's rows; 1 without
/// alpha), as A1111's <c>network_hada</c>. Tucker (<c>hada_t1</c>/<c>hada_t2</c>) modules are not read.
/// </summary>
public sealed record LohaModule(string Name, float[] W1A, long[] W1AShape, float[] W1B, long[] W1BShape, float[] W2A, long[] W2AShape, float[] W2B, long[] W2BShape, float? Alpha)
    : INetworkModule
{
    /// <inheritdoc />
    public string ShapeText => $"hada_w1 {LycorisMath.Shape(W1AShape)} · {LycorisMath.Shape(W1BShape)}, hada_w2 {LycorisMath.Shape(W2AShape)} · {LycorisMath.Shape(W2BShape)}";

    private int Out => (int)W1AShape[0];

    private int Rank1 => (int)W1BShape[0];

    private int Rank2 => (int)W2BShape[0];

    private int Columns => W1B.Length / Rank1;

    /// <summary>alpha / rank of w1b (1 without alpha).</summary>
    public float Scale => Alpha is { } alpha ? alpha / Rank1 : 1f;

    /// <inheritdoc />
    public bool Fits(IReadOnlyList<long> shape) =>
        shape.Count > 0 && W1AShape[0] == shape[0] && W2AShape[0] == shape[0] && W1A.Length == Out * (long)Rank1 && W2A.Length == Out * (long)Rank2
        && Columns == LycorisMath.Columns(shape) && W2B.Length == Rank2 * (long)Columns;

    /// <inheritdoc />
    public void AddTo(float[] weight, IReadOnlyList<long> shape, float multiplier)
    {
        if (!Fits(shape) || weight.Length != Out * (long)Columns)
        {
            throw new ArgumentException($"LoHa module '{Name}' does not fit a weight of shape [{string.Join(", ", shape)}].", nameof(shape));
        }

        var first = LycorisMath.Product(W1A, W1B, Out, Rank1, Columns);
        var second = LycorisMath.Product(W2A, W2B, Out, Rank2, Columns);
        TensorPrimitives.Multiply(first, second, first);
        TensorPrimitives.MultiplyAdd(first, multiplier * Scale, weight, weight);
    }
}
