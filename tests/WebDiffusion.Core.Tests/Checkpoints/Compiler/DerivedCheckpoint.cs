using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using WebDiffusion.Core.Checkpoints;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

/// <summary>
/// Writes a safetensors file derived from another checkpoint: every tensor copied, except those a transform replaces
/// (new shape and bytes) or drops. The header is padded to 8 bytes, tensors follow in order, as the reference files do.
/// </summary>
internal static class DerivedCheckpoint
{
    /// <summary>A replacement tensor: its shape and raw little-endian bytes in the original dtype.</summary>
    public sealed record Replacement(long[] Shape, byte[] Data);

    /// <summary>
    /// Writes <paramref name="path"/> from <paramref name="source"/>; <paramref name="transform"/> returns null to keep a tensor,
    /// a replacement to change it.
    /// </summary>
    public static void Write(ICheckpointTensors source, string path, Func<CheckpointTensorInfo, byte[], Replacement?> transform)
    {
        var tensors = new List<(string Name, string DType, long[] Shape, byte[] Data)>();
        foreach (var info in source.Tensors)
        {
            var bytes = source.GetBytes(info.Name).ToArray();
            var replacement = transform(info, bytes);
            tensors.Add(replacement is null
                ? (info.Name, info.DTypeName, [.. info.Shape], bytes)
                : (info.Name, info.DTypeName, replacement.Shape, replacement.Data));
        }

        WriteFile(path, tensors);
    }

    /// <summary>Writes tensors given as (name, dtype, shape, bytes) into a safetensors file.</summary>
    public static void WriteFile(string path, IReadOnlyList<(string Name, string DType, long[] Shape, byte[] Data)> tensors)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        foreach (var (name, dtype, shape, data) in tensors)
        {
            header.Append(CultureInfo.InvariantCulture,
                $",\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(',', shape)}],\"data_offsets\":[{offset},{offset + data.Length}]}}");
            offset += data.Length;
        }

        header.Append('}');
        while ((Encoding.UTF8.GetByteCount(header.ToString()) % 8) != 0)
        {
            header.Append(' ');
        }

        var headerBytes = Encoding.UTF8.GetBytes(header.ToString());
        using var stream = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
        stream.Write(length);
        stream.Write(headerBytes);
        foreach (var tensor in tensors)
        {
            stream.Write(tensor.Data);
        }
    }
}
