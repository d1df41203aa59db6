using System.Buffers.Binary;
using System.Text;

namespace WebDiffusion.Core.Tests.Checkpoints;

/// <summary>Writes safetensors files by hand (the header as given, so tests can make it hostile).</summary>
internal static class SafetensorsBytes
{
    /// <summary>An 8-byte length, the JSON header padded to 8 with spaces, then <paramref name="data"/>.</summary>
    public static byte[] Build(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var padded = (header.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(bytes, 8 + padded);
        return bytes;
    }

    /// <summary>Writes <paramref name="bytes"/> to a new file in <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder, string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
