using System.Numerics.Tensors;

namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>Applies per-token weights to one chunk's hidden states (A1111 <c>sd_emphasis</c>).</summary>
public static class EmphasisApplier
{
    /// <summary>
    /// Multiplies row i of <paramref name="hidden"/> (<c>[weights.Length, hiddenSize]</c>) by <c>weights[i]</c>; in
    /// <see cref="EmphasisMode.Original"/> mode then rescales everything so the mean equals the mean before weighting.
    /// </summary>
    public static void Apply(Span<float> hidden, ReadOnlySpan<float> weights, int hiddenSize, EmphasisMode mode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        if (hidden.Length != weights.Length * hiddenSize)
        {
            throw new ArgumentException($"Hidden states hold {hidden.Length} values; expected {weights.Length} × {hiddenSize}.", nameof(hidden));
        }

        if (mode is EmphasisMode.Ignore or EmphasisMode.None)
        {
            return;
        }

        var allOnes = true;
        foreach (var w in weights)
        {
            if (w != 1f)
            {
                allOnes = false;
                break;
            }
        }

        if (allOnes)
        {
            return;
        }

        var sumBefore = mode == EmphasisMode.Original ? TensorPrimitives.Sum<float>(hidden) : 0f;
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] != 1f)
            {
                var row = hidden.Slice(i * hiddenSize, hiddenSize);
                TensorPrimitives.Multiply(row, weights[i], row);
            }
        }

        if (mode == EmphasisMode.Original)
        {
            var sumAfter = TensorPrimitives.Sum<float>(hidden);
            if (sumAfter != 0f && float.IsFinite(sumAfter))
            {
                TensorPrimitives.Multiply(hidden, sumBefore / sumAfter, hidden);
            }
        }
    }
}
