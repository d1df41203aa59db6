using System.Text;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Safetensors;

namespace WebDiffusion.Core.Tests.Checkpoints;

/// <summary>Writes zero-filled F16 safetensors files with chosen names and shapes (architecture detection reads shapes only).</summary>
internal static class SyntheticCheckpoint
{
    /// <summary>Names and shapes of the reference tiny checkpoint.</summary>
    public static Dictionary<string, long[]> TinyShapes()
    {
        using var file = SafetensorsFile.Open(SharedTestData.File("sd-reference", "tiny-sd15.safetensors"));
        return file.Tensors.ToDictionary(t => t.Name, t => t.Shape.ToArray(), StringComparer.Ordinal);
    }

    public static string Write(string folder, string name, IReadOnlyDictionary<string, long[]> shapes)
    {
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (var (key, shape) in shapes)
        {
            var bytes = shape.Aggregate(1L, (a, d) => a * d) * 2;
            header.Append(header.Length > 1 ? "," : string.Empty)
                .Append('"').Append(key).Append("\":{\"dtype\":\"F16\",\"shape\":[").Append(string.Join(',', shape))
                .Append("],\"data_offsets\":[").Append(offset).Append(',').Append(offset + bytes).Append("]}");
            offset += bytes;
        }

        header.Append('}');
        return SafetensorsBytes.Write(folder, name, SafetensorsBytes.Build(header.ToString(), new byte[offset]));
    }

    public static ICheckpointTensors Open(string folder, string name, IReadOnlyDictionary<string, long[]> shapes) =>
        SafetensorsFile.Open(Write(folder, name, shapes));
}
