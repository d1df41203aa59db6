using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace WebDiffusion.Core.Checkpoints;

/// <summary>
/// Conversion of a tensor's raw little-endian bytes (as a checkpoint stores them) to float32 or int64, shared by every
/// <see cref="ICheckpointTensors"/> implementation.
/// </summary>
internal static class TensorBytes
{
    /// <summary>Converts a F32, F16 or BF16 tensor's bytes into <paramref name="destination"/> (exactly its element count).</summary>
    /// <exception cref="CheckpointDTypeException">The tensor is not F32, F16 or BF16.</exception>
    public static void ReadFloat32(string file, CheckpointTensorInfo info, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        if (!TensorDTypes.IsFloatReadable(info.DType))
        {
            throw new CheckpointDTypeException(file, info.Name, $"dtype {info.DTypeName} cannot be read as float32 (F32, F16 and BF16 can).");
        }

        if (destination.Length != info.ElementCount)
        {
            throw new ArgumentException($"'{info.Name}' has {info.ElementCount} elements; the destination holds {destination.Length}.", nameof(destination));
        }

        switch (info.DType)
        {
            case TensorDType.F32:
                bytes.CopyTo(MemoryMarshal.AsBytes(destination));
                break;
            case TensorDType.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(bytes), destination);
                break;
            default:
                var bits = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
                }

                break;
        }
    }

    /// <summary>An I64 or I32 tensor's bytes as int64 values.</summary>
    /// <exception cref="CheckpointDTypeException">The tensor is not I64 or I32.</exception>
    public static long[] ReadInt64(string file, CheckpointTensorInfo info, ReadOnlySpan<byte> bytes) => info.DType switch
    {
        TensorDType.I64 => MemoryMarshal.Cast<byte, long>(bytes).ToArray(),
        TensorDType.I32 => [.. MemoryMarshal.Cast<byte, int>(bytes).ToArray().Select(v => (long)v)],
        _ => throw new CheckpointDTypeException(file, info.Name, $"dtype {info.DTypeName} cannot be read as int64 (I64 and I32 can)."),
    };
}
