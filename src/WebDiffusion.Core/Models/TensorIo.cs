using System.Numerics.Tensors;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>Moves float32 data into and out of ORT tensors, converting at the boundary for float16 models.</summary>
internal static class TensorIo
{
    public static OrtTensor FloatTensor(TensorElementType type, ReadOnlySpan<float> values, ReadOnlySpan<long> shape)
    {
        var tensor = OrtTensor.Allocate(type, shape);
        try
        {
            if (type == TensorElementType.Float16)
            {
                TensorPrimitives.ConvertToHalf(values, tensor.GetSpan<Half>());
            }
            else
            {
                values.CopyTo(tensor.GetSpan<float>());
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    public static void ReadFloats(OrtTensor tensor, Span<float> destination)
    {
        if (tensor.ElementType == TensorElementType.Float16)
        {
            TensorPrimitives.ConvertToSingle(tensor.GetSpan<Half>(), destination);
        }
        else if (tensor.ElementType == TensorElementType.Float)
        {
            tensor.GetSpan<float>().CopyTo(destination);
        }
        else
        {
            throw new InvalidOperationException($"Expected a float tensor, got {tensor}.");
        }
    }

    public static void ExpectShape(OrtTensor tensor, string file, string name, ReadOnlySpan<long> shape)
    {
        if (!tensor.HasShape(shape))
        {
            throw new ModelLoadException(file, name, "an output of shape [" + string.Join(',', shape.ToArray()) + "]", tensor.ToString());
        }
    }

    public static void DisposeAll(OrtTensor[] tensors)
    {
        foreach (var tensor in tensors)
        {
            tensor.Dispose();
        }
    }
}
