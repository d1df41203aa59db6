namespace WebDiffusion.Core.Checkpoints;

/// <summary>One named tensor of a checkpoint: name, element type, shape and size of its data.</summary>
/// <param name="Name">The key, e.g. <c>model.diffusion_model.out.2.weight</c>.</param>
/// <param name="DType">The element type.</param>
/// <param name="DTypeName">The dtype as the file spells it (kept for <see cref="TensorDType.Unknown"/>).</param>
/// <param name="Shape">The shape ([] for a scalar).</param>
/// <param name="ByteLength">Bytes of data.</param>
public sealed record CheckpointTensorInfo(string Name, TensorDType DType, string DTypeName, IReadOnlyList<long> Shape, long ByteLength)
{
    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Count;

    /// <summary>The shape as text, e.g. <c>[320, 4, 3, 3]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
