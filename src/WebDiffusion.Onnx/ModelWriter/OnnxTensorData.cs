using System.Runtime.InteropServices;
using Google.Protobuf;
using WebDiffusion.Onnx.Protos;

namespace WebDiffusion.Onnx.ModelWriter;

/// <summary>A dense tensor value for an initializer or a Constant node: element type, shape and little-endian bytes.</summary>
public sealed class OnnxTensorData
{
    private OnnxTensorData(TensorElementType elementType, long[] shape, byte[] bytes)
    {
        var count = shape.Aggregate(1L, (a, d) => a * d);
        var expected = count * ElementSize(elementType);
        if (bytes.LongLength != expected)
        {
            throw new ArgumentException($"A {elementType} tensor of shape [{string.Join(',', shape)}] needs {expected} bytes, got {bytes.LongLength}.");
        }

        ElementType = elementType;
        Shape = shape;
        Bytes = bytes;
    }

    /// <summary>The element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The shape.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The raw little-endian element bytes.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>A float32 tensor.</summary>
    public static OnnxTensorData FromFloats(ReadOnlySpan<float> values, params long[] shape) =>
        new(TensorElementType.Float, shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A float16 tensor.</summary>
    public static OnnxTensorData FromHalves(ReadOnlySpan<Half> values, params long[] shape) =>
        new(TensorElementType.Float16, shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A float16 tensor converted from float32 values.</summary>
    public static OnnxTensorData FromFloatsAsHalf(ReadOnlySpan<float> values, params long[] shape)
    {
        var halves = new Half[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            halves[i] = (Half)values[i];
        }

        return FromHalves(halves, shape);
    }

    /// <summary>An int64 tensor.</summary>
    public static OnnxTensorData FromInt64s(ReadOnlySpan<long> values, params long[] shape) =>
        new(TensorElementType.Int64, shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>An int32 tensor.</summary>
    public static OnnxTensorData FromInt32s(ReadOnlySpan<int> values, params long[] shape) =>
        new(TensorElementType.Int32, shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Size in bytes of one element of a fixed-size type.</summary>
    public static int ElementSize(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Int16 or TensorElementType.UInt16 => 2,
        TensorElementType.Int64 or TensorElementType.UInt64 or TensorElementType.Double => 8,
        TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Bool => 1,
        _ => throw new NotSupportedException($"Element type {type} has no fixed size."),
    };

    internal TensorProto ToProto(string name)
    {
        var proto = new TensorProto { Name = name, DataType = (int)ElementType, RawData = ByteString.CopyFrom(Bytes.Span) };
        proto.Dims.AddRange(Shape);
        return proto;
    }
}
