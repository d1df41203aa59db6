using System.Numerics.Tensors;

namespace WebDiffusion.Core.Lora;

/// <summary>
/// A1111's LoRA weight update, <c>W' = W + Σ multiplier · (alpha / rank) · up · down</c>, computed row by row with SIMD
/// (one fused multiply-add of a down row per rank) and rows in parallel. Weights are read as [out, in·kh·kw] matrices, so
/// linear, 1×1 and 3×3 convolution LoRA are the same product.
/// </summary>
public static class LoraMerger
{
    /// <summary>Whether <paramref name="module"/>'s change has the shape of a weight <paramref name="shape"/>.</summary>
    public static bool Fits(LoraModule module, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count == 0 || shape[0] <= 0)
        {
            return false;
        }

        var count = shape.Aggregate(1L, (a, b) => a * b);
        return module.OutFeatures == shape[0] && module.InFeatures == count / shape[0] && (long)module.Up.Length == shape[0] * module.Rank
            && (long)module.Down.Length == (long)module.Rank * module.InFeatures;
    }

    /// <summary>Adds <paramref name="multiplier"/> · scale · up · down to <paramref name="weight"/> (row-major, [out, in·kh·kw]).</summary>
    /// <exception cref="ArgumentException">The module does not fit the weight (check with <see cref="Fits"/>).</exception>
    public static void AddTo(float[] weight, IReadOnlyList<long> shape, LoraModule module, float multiplier)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (!Fits(module, shape) || weight.Length != module.OutFeatures * (long)module.InFeatures)
        {
            throw new ArgumentException($"LoRA module '{module.Name}' does not fit a weight of shape [{string.Join(", ", shape)}].", nameof(module));
        }

        var scale = multiplier * module.Scale;
        var (rows, columns, rank) = (module.OutFeatures, module.InFeatures, module.Rank);
        Parallel.For(0, rows, row =>
        {
            var target = weight.AsSpan(row * columns, columns);
            var up = module.Up.AsSpan(row * rank, rank);
            for (var k = 0; k < rank; k++)
            {
                TensorPrimitives.MultiplyAdd(module.Down.AsSpan(k * columns, columns), scale * up[k], target, target);
            }
        });
    }
}
