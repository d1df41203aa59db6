namespace WebDiffusion.Core.Text.Embeddings;

/// <summary>One tensor entry of a safetensors header.</summary>
/// <param name="Name">The tensor name.</param>
/// <param name="DType">The dtype string (<c>F32</c>, <c>F16</c>, <c>BF16</c>, …).</param>
/// <param name="Shape">The shape.</param>
/// <param name="Begin">Start offset in the data section.</param>
/// <param name="End">End offset (exclusive) in the data section.</param>
public sealed record SafetensorsTensorInfo(string Name, string DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));
}
