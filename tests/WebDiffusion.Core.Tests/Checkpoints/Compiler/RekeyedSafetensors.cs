using System.Text;
using System.Text.Json;
using WebDiffusion.Core.Checkpoints;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

/// <summary>Writes a safetensors file holding some tensors of another one under new names, with their bytes unchanged.</summary>
internal static class RekeyedSafetensors
{
    /// <summary>
    /// Writes every tensor of <paramref name="source"/> for which <paramref name="rename"/> returns a name (null drops it)
    /// to <paramref name="path"/>, in the source's dtype and byte order; returns the path.
    /// </summary>
    public static string Write(ICheckpointTensors source, string path, Func<string, string?> rename)
    {
        var kept = source.Tensors.Select(t => (Info: t, Name: rename(t.Name))).Where(t => t.Name is not null).ToList();
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            long offset = 0;
            foreach (var (info, name) in kept)
            {
                json.WriteStartObject(name!);
                json.WriteString("dtype", info.DTypeName);
                json.WriteStartArray("shape");
                foreach (var dim in info.Shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + info.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += info.ByteLength;
            }

            json.WriteEndObject();
        }

        var data = new byte[kept.Sum(t => t.Info.ByteLength)];
        var at = 0;
        foreach (var (info, _) in kept)
        {
            source.GetBytes(info.Name).CopyTo(data.AsSpan(at));
            at += (int)info.ByteLength;
        }

        File.WriteAllBytes(path, SafetensorsBytes.Build(Encoding.UTF8.GetString(header.ToArray()), data));
        return path;
    }
}
