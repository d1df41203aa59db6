using System.Globalization;
using System.Text;

namespace WebDiffusion.Onnx;

/// <summary>A model input or output as the model declares it.</summary>
public sealed class OrtNodeInfo
{
    /// <summary>Creates node metadata.</summary>
    public OrtNodeInfo(string name, TensorElementType elementType, long[] shape, string?[] symbolicDims, bool isTensor = true)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(symbolicDims);
        Name = name;
        ElementType = elementType;
        Shape = shape;
        SymbolicDims = symbolicDims;
        IsTensor = isTensor;
    }

    /// <summary>The input or output name.</summary>
    public string Name { get; }

    /// <summary>Element type (<see cref="TensorElementType.Undefined"/> for a non-tensor value).</summary>
    public TensorElementType ElementType { get; }

    /// <summary>Dimensions; -1 where the model leaves a dimension free.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The symbol of each free dimension (e.g. "batch"), null for fixed or unnamed ones.</summary>
    public IReadOnlyList<string?> SymbolicDims { get; }

    /// <summary>Whether the value is a tensor (sequences and maps are not supported by this binding).</summary>
    public bool IsTensor { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Count;

    /// <summary>E.g. <c>float32[batch,4,64,64]</c>.</summary>
    public string Describe() => Describe(ElementType, Shape, SymbolicDims);

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Describe()}";

    internal static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Double => "float64",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int64 => "int64",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Int8 => "int8",
        TensorElementType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };

    internal static string Describe(TensorElementType type, IReadOnlyList<long> shape, IReadOnlyList<string?>? symbols = null)
    {
        var text = new StringBuilder(TypeName(type)).Append('[');
        for (var i = 0; i < shape.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var symbol = symbols is not null && i < symbols.Count ? symbols[i] : null;
            text.Append(shape[i] >= 0 ? shape[i].ToString(CultureInfo.InvariantCulture) : symbol ?? "?");
        }

        return text.Append(']').ToString();
    }
}
