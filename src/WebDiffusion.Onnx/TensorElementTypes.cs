using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Onnx;

/// <summary>Maps CLR element types to <see cref="TensorElementType"/> and gives element sizes.</summary>
public static class TensorElementTypes
{
    /// <summary>The tensor element type of <typeparamref name="T"/>; <see cref="NotSupportedException"/> for other types.</summary>
    public static TensorElementType Of<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return TensorElementType.Float;
        }

        if (typeof(T) == typeof(Half))
        {
            return TensorElementType.Float16;
        }

        if (typeof(T) == typeof(int))
        {
            return TensorElementType.Int32;
        }

        if (typeof(T) == typeof(long))
        {
            return TensorElementType.Int64;
        }

        if (typeof(T) == typeof(byte))
        {
            return TensorElementType.UInt8;
        }

        if (typeof(T) == typeof(sbyte))
        {
            return TensorElementType.Int8;
        }

        if (typeof(T) == typeof(bool))
        {
            return TensorElementType.Bool;
        }

        if (typeof(T) == typeof(double))
        {
            return TensorElementType.Double;
        }

        if (typeof(T) == typeof(short))
        {
            return TensorElementType.Int16;
        }

        if (typeof(T) == typeof(ushort))
        {
            return TensorElementType.UInt16;
        }

        if (typeof(T) == typeof(uint))
        {
            return TensorElementType.UInt32;
        }

        if (typeof(T) == typeof(ulong))
        {
            return TensorElementType.UInt64;
        }

        throw new NotSupportedException($"{typeof(T).Name} is not a tensor element type this binding supports.");
    }

    /// <summary>Size in bytes of one element.</summary>
    public static int SizeOf(TensorElementType type) => OnnxTensorData.ElementSize(type);

    /// <summary>Number of elements of a shape (1 for a scalar); every dimension must be known (≥ 0).</summary>
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Dimension {dim} is not a concrete size; a tensor needs every dimension ≥ 0.", nameof(shape));
            }

            count = checked(count * dim);
        }

        return count;
    }
}
