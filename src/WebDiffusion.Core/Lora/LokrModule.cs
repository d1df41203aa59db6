namespace WebDiffusion.Core.Lora;

/// <summary>
/// A LyCORIS LoKr module: ΔW = kron(w1, w2), w1 = <c>lokr_w1</c> or <c>lokr_w1_a</c> · <c>lokr_w1_b</c> [o1, c1], w2 =
/// <c>lokr_w2</c> or <c>lokr_w2_a</c> · <c>lokr_w2_b</c> [o2, c2] (a 4-D w2 read as [o2, i2·kh·kw]), for a weight
/// [o1·o2, c1·c2]; scale alpha / r with r the rows of w1b, else of w2b (1 when neither is factored or there is no alpha),
/// as A1111's <c>network_lokr</c>. Tucker (<c>lokr_t2</c>) modules are not read.
/// </summary>
/// <param name="Name">The kohya module name.</param>
/// <param name="W1">w1, row-major.</param>
/// <param name="W1Shape">[o1, c1].</param>
/// <param name="W2">w2, row-major.</param>
/// <param name="W2Shape">[o2, c2].</param>
/// <param name="Scale">alpha / r, or 1.</param>
/// <param name="Factors">The stored tensors' shapes, for messages.</param>
public sealed record LokrModule(string Name, float[] W1, long[] W1Shape, float[] W2, long[] W2Shape, float Scale, string Factors) : INetworkModule
{
    /// <inheritdoc />
    public string ShapeText => Factors;

    /// <inheritdoc />
    public bool Fits(IReadOnlyList<long> shape) =>
        shape.Count > 0 && W1Shape[0] * W2Shape[0] == shape[0] && W1Shape[1] * W2Shape[1] == LycorisMath.Columns(shape);

    /// <inheritdoc />
    public void AddTo(float[] weight, IReadOnlyList<long> shape, float multiplier)
    {
        if (!Fits(shape) || weight.Length != shape[0] * LycorisMath.Columns(shape))
        {
            throw new ArgumentException($"LoKr module '{Name}' does not fit a weight of shape [{string.Join(", ", shape)}].", nameof(shape));
        }

        LycorisMath.AddKronecker(weight, W1, (int)W1Shape[0], (int)W1Shape[1], W2, (int)W2Shape[0], (int)W2Shape[1], multiplier * Scale);
    }
}
