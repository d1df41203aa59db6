using Microsoft.ML.OnnxRuntime;

namespace WebDiffusion.Onnx.Package;

/// <summary>Turns the package's input/output metadata into <see cref="OrtNodeInfo"/>s, in model order.</summary>
internal static class NodeInfoReader
{
    public static OrtNodeInfo[] Read(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        var nodes = new OrtNodeInfo[names.Count];
        for (var i = 0; i < nodes.Length; i++)
        {
            var name = names[i];
            var meta = metadata[name];
            if (meta.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
            {
                nodes[i] = new OrtNodeInfo(name, TensorElementType.Undefined, [], [], isTensor: false);
                continue;
            }

            var shape = meta.Dimensions.Select(d => (long)d).ToArray();
            var symbols = new string?[shape.Length];
            for (var d = 0; d < symbols.Length && d < meta.SymbolicDimensions.Length; d++)
            {
                symbols[d] = string.IsNullOrEmpty(meta.SymbolicDimensions[d]) ? null : meta.SymbolicDimensions[d];
            }

            nodes[i] = new OrtNodeInfo(name, (TensorElementType)(int)meta.ElementDataType, shape, symbols);
        }

        return nodes;
    }
}
