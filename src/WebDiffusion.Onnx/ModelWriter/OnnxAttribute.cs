using System.Text;
using Google.Protobuf;
using WebDiffusion.Onnx.Protos;

namespace WebDiffusion.Onnx.ModelWriter;

/// <summary>A node attribute (ONNX <c>AttributeProto</c>) built from a C# value.</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(AttributeProto proto) => Proto = proto;

    internal AttributeProto Proto { get; }

    /// <summary>The attribute name.</summary>
    public string Name => Proto.Name;

    /// <summary>An integer attribute.</summary>
    public static OnnxAttribute Int(string name, long value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });

    /// <summary>A string attribute (UTF-8).</summary>
    public static OnnxAttribute String(string name, string value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFrom(value, Encoding.UTF8) });

    /// <summary>An integer-list attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var proto = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        proto.Ints.AddRange(values);
        return new OnnxAttribute(proto);
    }

    /// <summary>A float-list attribute.</summary>
    public static OnnxAttribute Floats(string name, params float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var proto = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        proto.Floats.AddRange(values);
        return new OnnxAttribute(proto);
    }

    /// <summary>A tensor attribute (e.g. the <c>value</c> of a Constant node).</summary>
    public static OnnxAttribute Tensor(string name, OnnxTensorData value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new OnnxAttribute(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value.ToProto(name) });
    }
}
