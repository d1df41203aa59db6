namespace WebDiffusion.Core.Checkpoints;

/// <summary>Conveniences over <see cref="ICheckpointTensors"/>.</summary>
public static class CheckpointTensorsExtensions
{
    /// <summary>A tensor converted to a new float32 array.</summary>
    /// <exception cref="CheckpointTensorMissingException">There is no such tensor.</exception>
    /// <exception cref="CheckpointDTypeException">The tensor is not F32, F16 or BF16, or is too large for one array.</exception>
    public static float[] ReadFloat32(this ICheckpointTensors tensors, string name)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var info = tensors.Get(name);
        if (info.ElementCount > Array.MaxLength)
        {
            throw new CheckpointDTypeException(tensors.FilePath, name, $"{info.ElementCount} elements do not fit one array.");
        }

        var result = new float[info.ElementCount];
        tensors.ReadFloat32(name, result);
        return result;
    }

    /// <summary>Whether a tensor called <paramref name="name"/> exists.</summary>
    public static bool Contains(this ICheckpointTensors tensors, string name)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return tensors.TryGet(name, out _);
    }

    /// <summary>The shape of a tensor.</summary>
    /// <exception cref="CheckpointTensorMissingException">There is no such tensor.</exception>
    public static IReadOnlyList<long> ShapeOf(this ICheckpointTensors tensors, string name)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return tensors.Get(name).Shape;
    }
}
