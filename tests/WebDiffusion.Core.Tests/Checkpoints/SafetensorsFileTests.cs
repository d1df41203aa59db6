using System.Buffers.Binary;
using System.Runtime.InteropServices;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Safetensors;

namespace WebDiffusion.Core.Tests.Checkpoints;

public sealed class SafetensorsFileTests
{
    private static string Fixture(string name) => SharedTestData.File("sd-reference", name);

    [Fact]
    public void Reads_the_reference_checkpoint_header_shapes_and_dtypes()
    {
        using var file = SafetensorsFile.Open(Fixture("tiny-sd15.safetensors"));
        Assert.Equal(381, file.Tensors.Count);
        Assert.Equal(208, file.Tensors.Count(t => t.Name.StartsWith("model.diffusion_model.", StringComparison.Ordinal)));
        var q = file.Get("model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight");
        Assert.Equal(TensorDType.F32, q.DType);
        Assert.Equal([32L, 32L], q.Shape);
        Assert.Equal(32 * 32 * 4, q.ByteLength);
        Assert.Equal([32L, 64L, 3L, 3L], file.ShapeOf("first_stage_model.decoder.up.0.block.0.conv1.weight"));
        var ids = file.ReadInt64("cond_stage_model.transformer.text_model.embeddings.position_ids");
        Assert.Equal(Enumerable.Range(0, 77).Select(i => (long)i), ids);
    }

    [Fact]
    public void Fp16_tensors_convert_to_the_fp32_values_rounded_to_half()
    {
        using var full = SafetensorsFile.Open(Fixture("tiny-sd15.safetensors"));
        using var half = SafetensorsFile.Open(Fixture("tiny-sd15-fp16.safetensors"));
        const string key = "model.diffusion_model.input_blocks.0.0.weight";
        Assert.Equal(TensorDType.F16, half.Get(key).DType);
        var reference = full.ReadFloat32(key);
        var converted = half.ReadFloat32(key);
        Assert.Equal(reference.Select(v => (float)(Half)v), converted);
        Assert.Equal(TensorDType.F32, half.Get("alphas_cumprod").DType);
        Assert.Equal(full.ReadFloat32("alphas_cumprod"), half.ReadFloat32("alphas_cumprod"));
    }

    [Fact]
    public unsafe void Bytes_and_pointer_are_views_of_the_file_data()
    {
        var path = Fixture("tiny-sd15.safetensors");
        using var file = SafetensorsFile.Open(path);
        var raw = File.ReadAllBytes(path);
        Assert.Equal(8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(raw), file.DataStart);
        var bytes = file.GetBytes("betas");
        Assert.Equal(1000 * 4, bytes.Length);
        fixed (byte* view = bytes)
        {
            Assert.Equal((nint)view, file.GetPointer("betas"));
        }

        Assert.True(raw.AsSpan((int)file.DataStart).IndexOf(bytes) >= 0);
        var betas = file.ReadFloat32("betas");
        Assert.Equal(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), betas);
        Assert.Equal(0.00085, betas[0], 1e-7);
        Assert.Equal(0.012, betas[999], 1e-7);
    }

    [Fact]
    public void Bf16_reads_as_the_top_half_of_float32()
    {
        using var folder = new TempFolder();
        float[] values = [1f, -2.5f, 3.140625f, 65280f];
        var data = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(i * 2), (ushort)(BitConverter.SingleToInt32Bits(values[i]) >> 16));
        }

        var path = SafetensorsBytes.Write(folder.Path, "bf16.safetensors", SafetensorsBytes.Build(
            """{"__metadata__":{"format":"pt"},"w":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}}""", data));
        using var file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(values, file.ReadFloat32("w"));
    }

    [Fact]
    public void Other_dtypes_are_listed_and_refused_when_read_as_float()
    {
        using var folder = new TempFolder();
        var path = SafetensorsBytes.Write(folder.Path, "mixed.safetensors", SafetensorsBytes.Build(
            """{"d":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"q":{"dtype":"Q4_K","shape":[3],"data_offsets":[8,11]}}""", new byte[11]));
        using var file = SafetensorsFile.Open(path);
        Assert.Equal(TensorDType.F64, file.Get("d").DType);
        Assert.Equal(TensorDType.Unknown, file.Get("q").DType);
        Assert.Equal("Q4_K", file.Get("q").DTypeName);
        var error = Assert.Throws<CheckpointDTypeException>(() => file.ReadFloat32("d"));
        Assert.Contains("'d'", error.Message, StringComparison.Ordinal);
        Assert.Contains("mixed.safetensors", error.Message, StringComparison.Ordinal);
        Assert.Throws<CheckpointDTypeException>(() => file.ReadFloat32("q"));
        Assert.Throws<CheckpointDTypeException>(() => file.ReadInt64("d"));
    }

    [Fact]
    public void A_missing_tensor_is_a_typed_error_naming_file_and_key()
    {
        using var file = SafetensorsFile.Open(Fixture("tiny-sd15.safetensors"));
        var error = Assert.Throws<CheckpointTensorMissingException>(() => file.Get("model.diffusion_model.nope"));
        Assert.Equal("model.diffusion_model.nope", error.Key);
        Assert.EndsWith("tiny-sd15.safetensors", error.FilePath, StringComparison.Ordinal);
        Assert.False(file.TryGet("model.diffusion_model.nope", out _));
    }

    [Fact]
    public void Use_after_dispose_is_refused()
    {
        var file = SafetensorsFile.Open(Fixture("tiny-sd15.safetensors"));
        file.Dispose();
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.GetBytes("betas").Length);
    }

    [Fact]
    public void Header_length_two_to_the_63_is_refused_before_allocating()
    {
        using var folder = new TempFolder();
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1UL << 63);
        var path = SafetensorsBytes.Write(folder.Path, "huge.safetensors", bytes);
        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("9223372036854775808", error.Message, StringComparison.Ordinal);
        Assert.Contains("huge.safetensors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_100_MB_header_is_refused_by_the_limit()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "bigheader.safetensors");
        const long headerLength = 100L * 1000 * 1000;
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write))
        {
            var prefix = new byte[9];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, headerLength);
            prefix[8] = (byte)'{';
            stream.Write(prefix);
            stream.SetLength(8 + headerLength);
        }

        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
        Assert.Null(error.Key);
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}""", "b", "overlaps")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,4096]}}""", "a", "past the end")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}""", "a", "needs 12 bytes")]
    [InlineData("""{"a":{"dtype":"F16","shape":[4],"data_offsets":[0,16]}}""", "a", "needs 8 bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}""", "a", "impossibly large")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}""", "a", "non-negative")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[16,0]}}""", "a", "begin ≤ end")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"a":{"dtype":"F32","shape":[4],"data_offsets":[16,32]}}""", "a", "twice")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4]}}""", "a", "data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16],"x":1}}""", "a", "unexpected field")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,16]}}""", "a", "integer")]
    [InlineData("""{"a":[1,2,3]}""", "a", "not a JSON object")]
    public void Malformed_entries_are_typed_errors_naming_the_key(string header, string key, string problem)
    {
        using var folder = new TempFolder();
        var path = SafetensorsBytes.Write(folder.Path, "bad.safetensors", SafetensorsBytes.Build(header, new byte[32]));
        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
        Assert.Equal(key, error.Key);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains("bad.safetensors", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"a": {"dtype": "F32", """)]
    [InlineData("[1,2,3]")]
    public void Malformed_headers_are_typed_errors(string header)
    {
        using var folder = new TempFolder();
        var path = SafetensorsBytes.Write(folder.Path, "bad.safetensors", SafetensorsBytes.Build(header, []));
        Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
    }

    [Fact]
    public void Header_longer_than_the_file_and_tiny_files_are_refused()
    {
        using var folder = new TempFolder();
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        var claimsMore = SafetensorsBytes.Write(folder.Path, "short.safetensors", bytes);
        Assert.Contains("only 8", Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(claimsMore)).Message, StringComparison.Ordinal);
        var tiny = SafetensorsBytes.Write(folder.Path, "tiny.safetensors", [1, 2, 3]);
        Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(tiny));
        var empty = SafetensorsBytes.Write(folder.Path, "empty.safetensors", []);
        Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(empty));
    }

    [Fact]
    public void A_truncated_copy_of_the_reference_checkpoint_is_refused_naming_a_key()
    {
        using var folder = new TempFolder();
        var raw = File.ReadAllBytes(Fixture("tiny-sd15.safetensors"));
        var path = SafetensorsBytes.Write(folder.Path, "truncated.safetensors", raw[..(raw.Length / 2)]);
        var error = Assert.Throws<CheckpointFormatException>(() => SafetensorsFile.Open(path));
        Assert.NotNull(error.Key);
        Assert.Contains("past the end", error.Message, StringComparison.Ordinal);
    }
}
