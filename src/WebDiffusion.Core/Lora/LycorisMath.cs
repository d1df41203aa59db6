using System.Numerics.Tensors;

namespace WebDiffusion.Core.Lora;

/// <summary>Matrix helpers of the LyCORIS formats: a product of two factors, and adding a scaled matrix or Kronecker product to a weight.</summary>
internal static class LycorisMath
{
    /// <summary>a [rows, inner] · b [inner, columns] (row-major), rows in parallel.</summary>
    public static float[] Product(float[] a, float[] b, int rows, int inner, int columns)
    {
        var result = new float[rows * columns];
        Parallel.For(0, rows, row =>
        {
            var target = result.AsSpan(row * columns, columns);
            for (var k = 0; k < inner; k++)
            {
                TensorPrimitives.MultiplyAdd(b.AsSpan(k * columns, columns), a[(row * inner) + k], target, target);
            }
        });
        return result;
    }

    /// <summary>weight += factor · kron(w1 [o1, c1], w2 [o2, c2]) for a weight [o1·o2, c1·c2].</summary>
    public static void AddKronecker(float[] weight, float[] w1, int o1, int c1, float[] w2, int o2, int c2, float factor)
    {
        var columns = c1 * c2;
        Parallel.For(0, o1 * o2, row =>
        {
            var (r1, r2) = Math.DivRem(row, o2);
            var source = w2.AsSpan(r2 * c2, c2);
            var target = weight.AsSpan(row * columns, columns);
            for (var j = 0; j < c1; j++)
            {
                var block = target.Slice(j * c2, c2);
                TensorPrimitives.MultiplyAdd(source, factor * w1[(r1 * c1) + j], block, block);
            }
        });
    }

    /// <summary>The shape as text.</summary>
    public static string Shape(long[] shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>Elements per row of a weight: in·kh·kw (0 for a weight without rows).</summary>
    public static long Columns(IReadOnlyList<long> shape) => shape.Count == 0 || shape[0] <= 0 ? 0 : shape.Aggregate(1L, (a, b) => a * b) / shape[0];
}
