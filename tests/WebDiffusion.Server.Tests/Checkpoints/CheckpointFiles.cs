using System.Buffers.Binary;
using System.Text;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Checkpoints;

/// <summary>Checkpoint files as users drop them into models/Stable-diffusion: the sd-reference checkpoint, other families, hostile files.</summary>
internal static class CheckpointFiles
{
    private static readonly string Reference = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, "..", "shared", "testdata", "sd-reference"));

    /// <summary>The fp32 sd-reference checkpoint.</summary>
    public static string TinyFp32 => Path.Combine(Reference, "tiny-sd15.safetensors");

    /// <summary>A reference array of the sd-reference folder (<c>ref/&lt;name&gt;.npy</c>), raw bytes after the .npy header.</summary>
    public static byte[] ReferenceBytes(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Reference, "ref", name + ".npy"));
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        return bytes[(10 + headerLength)..];
    }

    /// <summary>
    /// Links the sd-reference checkpoint into <paramref name="folder"/> as <paramref name="name"/> with a yaml beside it that adds
    /// the tiny text encoder's head count (2; the real SD yaml names none because CLIP ViT-L's 12 follows width ÷ 64).
    /// </summary>
    public static string InstallTiny(string folder, string name, bool fp16 = false)
    {
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, name);
        File.CreateSymbolicLink(target, Path.Combine(Reference, fp16 ? "tiny-sd15-fp16.safetensors" : "tiny-sd15.safetensors"));
        File.WriteAllText(Path.ChangeExtension(target, ".yaml"), File.ReadAllText(Path.Combine(Reference, "tiny-sd15.yaml")).TrimEnd()
            + "\n    cond_stage_text_config:\n      num_attention_heads: 2\n");
        return target;
    }

    /// <summary>
    /// Writes the sd-reference checkpoint's VAE as a standalone A1111 VAE file (keys without <c>first_stage_model.</c>): the
    /// same weights, so it decodes what the checkpoint's own VAE decodes.
    /// </summary>
    public static void WriteStandaloneVae(string path)
    {
        var bytes = File.ReadAllBytes(TinyFp32);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = System.Text.Json.JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var dataStart = 8 + headerLength;
        var json = new StringBuilder("{");
        var data = new MemoryStream();
        foreach (var tensor in header.RootElement.EnumerateObject().Where(t => t.Name.StartsWith("first_stage_model.", StringComparison.Ordinal)))
        {
            var offsets = tensor.Value.GetProperty("data_offsets");
            var (begin, end) = (offsets[0].GetInt64(), offsets[1].GetInt64());
            json.Append(json.Length > 1 ? "," : string.Empty)
                .Append('"').Append(tensor.Name["first_stage_model.".Length..]).Append("\":{\"dtype\":\"").Append(tensor.Value.GetProperty("dtype").GetString())
                .Append("\",\"shape\":").Append(tensor.Value.GetProperty("shape").GetRawText())
                .Append(",\"data_offsets\":[").Append(data.Length).Append(',').Append(data.Length + (end - begin)).Append("]}");
            data.Write(bytes, (int)(dataStart + begin), (int)(end - begin));
        }

        json.Append('}');
        WriteRaw(path, Encoding.UTF8.GetBytes(json.ToString()), data.ToArray());
    }

    /// <summary>A small safetensors file with the given F32 tensors (zeros).</summary>
    public static void Write(string path, params (string Name, long[] Shape)[] tensors)
    {
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (var (name, shape) in tensors)
        {
            var bytes = shape.Aggregate(1L, (a, d) => a * d) * 4;
            header.Append(header.Length > 1 ? "," : string.Empty)
                .Append('"').Append(name).Append("\":{\"dtype\":\"F32\",\"shape\":[").Append(string.Join(',', shape))
                .Append("],\"data_offsets\":[").Append(offset).Append(',').Append(offset + bytes).Append("]}");
            offset += bytes;
        }

        header.Append('}');
        WriteRaw(path, Encoding.UTF8.GetBytes(header.ToString()), new byte[offset]);
    }

    /// <summary>A file whose 8-byte header length is <paramref name="declaredHeaderLength"/> (e.g. 2^63) followed by <paramref name="rest"/>.</summary>
    public static void WriteWithHeaderLength(string path, ulong declaredHeaderLength, byte[] rest)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, declaredHeaderLength);
        File.WriteAllBytes(path, [.. length, .. rest]);
    }

    private static void WriteRaw(string path, byte[] header, byte[] data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var padded = header.Length % 8 == 0 ? header : [.. header, .. Enumerable.Repeat((byte)' ', 8 - (header.Length % 8))];
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded.Length);
        File.WriteAllBytes(path, [.. length, .. padded, .. data]);
    }
}
