using System.Runtime.InteropServices;
using System.Text.Json;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Pickle;

namespace WebDiffusion.Core.Tests.Checkpoints.Pickle;

public sealed class TorchCheckpointFileTests
{
    private const string Canary = "/tmp/webdiffusion-pickle-canary";

    private static readonly string[] NonContiguous = ["view.transposed", "view.strided"];

    private static string Data(params string[] parts) =>
        Path.Combine([SharedTestData.RepositoryRoot, "tests", "WebDiffusion.Core.Tests", "Checkpoints", "Pickle", "TestData", .. parts]);

    public static TheoryData<string> HostileFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Data("hostile")).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (file != "valid_handmade.pt")
            {
                data.Add(file!);
            }
        }

        return data;
    }

    [Theory]
    [InlineData("state_dict.pt")]
    [InlineData("checkpoint.ckpt")]
    public void Every_contiguous_tensor_reads_back_as_torch_saved_it(string file)
    {
        using var checkpoint = TorchCheckpointFile.Open(Data(file));
        using var expected = JsonDocument.Parse(File.ReadAllText(Data("state_dict.json")));
        var count = 0;
        foreach (var property in expected.RootElement.EnumerateObject())
        {
            var name = property.Name;
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var values = property.Value.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            if (NonContiguous.Contains(name))
            {
                Assert.Contains(name, checkpoint.Unreadable.Keys);
                var error = Assert.Throws<CheckpointFormatException>(() => checkpoint.Get(name));
                Assert.Contains("non-contiguous", error.Message, StringComparison.Ordinal);
                continue;
            }

            var info = checkpoint.Get(name);
            Assert.Equal(shape, info.Shape);
            Assert.Equal(values, ReadAsDoubles(checkpoint, info));
            count++;
        }

        Assert.Equal(11, count);
        Assert.Equal(11, checkpoint.Tensors.Count);
    }

    [Fact]
    public void A_ckpt_is_unwrapped_to_its_state_dict_and_keeps_its_scalars_as_metadata()
    {
        using var checkpoint = TorchCheckpointFile.Open(Data("checkpoint.ckpt"));
        Assert.Equal("42", checkpoint.Metadata["global_step"]);
        Assert.Equal("3", checkpoint.Metadata["epoch"]);
        Assert.Equal([4L, 3, 3, 3], checkpoint.Get("conv.weight").Shape);
    }

    [Fact]
    public void A_storage_shared_by_views_gives_each_view_its_own_offset()
    {
        using var checkpoint = TorchCheckpointFile.Open(Data("state_dict.pt"));
        var rows = checkpoint.GetFileOffset("view.rows");
        using var stream = File.OpenRead(checkpoint.FilePath);
        var entry = TorchZipContainer.ReadEntries(stream).Single(e => e.Name == "state_dict/data/" + StorageKeyOf(checkpoint, "view.rows"));
        Assert.Equal(TorchZipContainer.DataOffset(stream, entry) + (16 * 4), rows);
    }

    [Fact]
    public void A_textual_inversion_embedding_reads_its_vector_and_name()
    {
        using var checkpoint = TorchCheckpointFile.Open(Data("embedding.pt"));
        using var expected = JsonDocument.Parse(File.ReadAllText(Data("embedding.json")));
        Assert.Equal("tiny-emb", checkpoint.Metadata["name"]);
        Assert.Equal("1500", checkpoint.Metadata["step"]);
        var info = checkpoint.Get("string_to_param.*");
        Assert.Equal([2L, 768], info.Shape);
        var values = expected.RootElement.GetProperty("values").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        Assert.Equal(values, checkpoint.ReadFloat32("string_to_param.*"));
    }

    [Fact]
    public void The_handmade_file_reads_its_view_with_offset()
    {
        using var checkpoint = TorchCheckpointFile.Open(Data("hostile", "valid_handmade.pt"));
        Assert.Equal([2f, 3f, 4f], checkpoint.ReadFloat32("w"));
    }

    [Theory]
    [InlineData("rrdbnet_x4_new.pth", "conv_first.weight")]
    [InlineData("rrdbnet_x4_old.pth", "model.0.weight")]
    [InlineData("srvgg_x4_prelu.pth", "body.0.weight")]
    public void Upscaler_files_unwrap_their_params(string file, string key)
    {
        using var checkpoint = TorchCheckpointFile.Open(Path.Combine(SharedTestData.RepositoryRoot, "tests", "WebDiffusion.Core.Tests", "Upscaling", "TestData", file));
        Assert.Equal(TensorDType.F32, checkpoint.Get(key).DType);
        Assert.Empty(checkpoint.Unreadable);
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void A_hostile_file_is_refused_with_a_typed_error_and_nothing_runs(string file)
    {
        File.Delete(Canary);
        var error = Assert.ThrowsAny<CheckpointFormatException>(() => TorchCheckpointFile.Open(Data("hostile", file)).Dispose());
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.False(File.Exists(Canary));
    }

    [Theory]
    [InlineData("os_system.pt", "posix.system")]
    [InlineData("builtins_eval.pt", "__builtin__.eval")]
    [InlineData("global_dotted.pt", "collections.OrderedDict.__init__.__globals__")]
    [InlineData("global_wrong_module.pt", "os._rebuild_tensor_v2")]
    [InlineData("stack_global_memo.pt", "posix.system")]
    [InlineData("stack_global_getattr.pt", "builtins.getattr")]
    [InlineData("obj.pt", "subprocess.Popen")]
    public void A_refused_global_is_named(string file, string global)
    {
        var error = Assert.Throws<PickleRefusedException>(() => TorchCheckpointFile.Open(Data("hostile", file)).Dispose());
        Assert.Equal(global, error.Global);
        Assert.Contains(global, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_legacy_torch_file_is_a_typed_refusal()
    {
        var error = Assert.ThrowsAny<CheckpointFormatException>(() => TorchCheckpointFile.Open(Data("state_dict_legacy.pt")).Dispose());
        Assert.Contains("safetensors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_mutations_of_real_files_never_crash_hang_or_allocate_unboundedly()
    {
        var sources = new[]
        {
            File.ReadAllBytes(Data("state_dict.pt")),
            File.ReadAllBytes(Data("embedding.pt")),
            File.ReadAllBytes(Data("hostile", "valid_handmade.pt")),
        };
        var limits = new PickleLimits(MaxPickleBytes: 1 << 20);
        var folder = Directory.CreateTempSubdirectory("wd-fuzz-");
        var random = new Random(19);
        var path = Path.Combine(folder.FullName, "fuzz.pt");
        var (opened, refused) = (0, 0);
        var slowest = 0L;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        try
        {
            // A fixed count of mutations (seeded), not a time budget: the same cases run on a busy and an idle machine.
            for (var iteration = 0; iteration < 120; iteration++)
            {
                var started = Environment.TickCount64;
                var bytes = (byte[])sources[random.Next(sources.Length)].Clone();
                var pickleOnly = random.Next(2) == 0;
                for (var n = random.Next(1, 8); n > 0; n--)
                {
                    var at = pickleOnly ? random.Next(Math.Min(bytes.Length, 1400)) : random.Next(bytes.Length);
                    bytes[at] = (byte)random.Next(256);
                }

                File.WriteAllBytes(path, bytes);
                try
                {
                    using var checkpoint = TorchCheckpointFile.Open(path, limits);
                    foreach (var info in checkpoint.Tensors)
                    {
                        _ = checkpoint.GetBytes(info.Name).ToArray();
                    }

                    opened++;
                }
                catch (CheckpointFormatException)
                {
                    refused++;
                }

                slowest = Math.Max(slowest, Environment.TickCount64 - started);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        Assert.Equal(120, opened + refused);
        Assert.True(slowest < 10_000, $"one mutated file took {slowest} ms (a hang?)");
        Assert.True(refused > 0);
        var perIteration = (GC.GetTotalAllocatedBytes() - allocatedBefore) / (opened + refused);
        Assert.True(perIteration < 4L << 20, $"{perIteration} bytes allocated per iteration");
    }

    private static string StorageKeyOf(TorchCheckpointFile checkpoint, string name)
    {
        var root = (PickleDict)checkpoint.Root!;
        return ((TorchTensorRef)root.Items[name]!).Storage.Key;
    }

    private static double[] ReadAsDoubles(TorchCheckpointFile checkpoint, CheckpointTensorInfo info)
    {
        var bytes = checkpoint.GetBytes(info.Name);
        return info.DType switch
        {
            TensorDType.F32 or TensorDType.F16 or TensorDType.BF16 => [.. checkpoint.ReadFloat32(info.Name).Select(v => (double)v)],
            TensorDType.F64 => MemoryMarshal.Cast<byte, double>(bytes).ToArray(),
            TensorDType.I64 or TensorDType.I32 => [.. checkpoint.ReadInt64(info.Name).Select(v => (double)v)],
            TensorDType.Bool => [.. bytes.ToArray().Select(b => (double)b)],
            _ => throw new InvalidOperationException(info.DTypeName),
        };
    }
}
