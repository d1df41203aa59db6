using System.Text;
using WebDiffusion.Core.Checkpoints;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

/// <summary>
/// Writes a safetensors file by hand from tensors taken out of another checkpoint, renamed, dropped or stacked: the raw
/// bytes are copied, so values and dtypes stay exactly the source's.
/// </summary>
internal static class RekeyedCheckpoint
{
    /// <summary>One tensor to write: its name, safetensors dtype, shape and raw little-endian bytes.</summary>
    public sealed record Entry(string Name, string DType, long[] Shape, byte[] Data);

    /// <summary>A tensor of <paramref name="source"/> under a new name.</summary>
    public static Entry Copy(ICheckpointTensors source, string name, string newName)
    {
        var info = source.Get(name);
        return new Entry(newName, info.DTypeName, [.. info.Shape], source.GetBytes(name).ToArray());
    }

    /// <summary>Tensors of equal shape [r, ...] stacked along the first axis into [n·r, ...] (as q, k, v into OpenCLIP's in_proj).</summary>
    public static Entry Stack(ICheckpointTensors source, string newName, params string[] names)
    {
        var infos = names.Select(source.Get).ToArray();
        var first = infos[0];
        Assert.All(infos, i => Assert.Equal(first.Shape, i.Shape));
        Assert.All(infos, i => Assert.Equal(first.DTypeName, i.DTypeName));
        long[] shape = [first.Shape[0] * names.Length, .. first.Shape.Skip(1)];
        return new Entry(newName, first.DTypeName, shape, [.. names.SelectMany(n => source.GetBytes(n).ToArray())]);
    }

    /// <summary>Writes <paramref name="entries"/> (8-byte aligned, in the given order) to <paramref name="path"/>.</summary>
    public static string Write(string path, IEnumerable<Entry> entries)
    {
        var header = new StringBuilder("{");
        using var data = new MemoryStream();
        foreach (var entry in entries)
        {
            while (data.Length % 8 != 0)
            {
                data.WriteByte(0);
            }

            var begin = data.Length;
            data.Write(entry.Data);
            header.Append(header.Length > 1 ? "," : string.Empty)
                .Append('"').Append(entry.Name).Append("\":{\"dtype\":\"").Append(entry.DType).Append("\",\"shape\":[")
                .Append(string.Join(',', entry.Shape)).Append("],\"data_offsets\":[").Append(begin).Append(',').Append(data.Length).Append("]}");
        }

        header.Append('}');
        File.WriteAllBytes(path, SafetensorsBytes.Build(header.ToString(), data.ToArray()));
        return path;
    }
}
