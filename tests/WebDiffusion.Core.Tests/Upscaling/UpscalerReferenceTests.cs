using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Pickle;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Core.Tests.Checkpoints.Compiler;
using WebDiffusion.Core.Tests.Models;
using WebDiffusion.Core.Upscaling;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Tests.Upscaling;

public sealed class UpscalerReferenceTests
{
    internal static string Data(string file) =>
        Path.Combine(SharedTestData.RepositoryRoot, "tests", "WebDiffusion.Core.Tests", "Upscaling", "TestData", file);

    internal static float[] ReadF32(string file) => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Data(file))).ToArray();

    [Theory]
    [InlineData("rrdbnet_x4_new", UpscalerFamily.RrdbNet, 2, SrvggActivation.LeakyRelu)]
    [InlineData("rrdbnet_x2_new", UpscalerFamily.RrdbNet, 2, SrvggActivation.LeakyRelu)]
    [InlineData("rrdbnet_x1_new", UpscalerFamily.RrdbNet, 2, SrvggActivation.LeakyRelu)]
    [InlineData("rrdbnet_x4_old", UpscalerFamily.RrdbNetOld, 2, SrvggActivation.LeakyRelu)]
    [InlineData("srvgg_x4_prelu", UpscalerFamily.SrvggNetCompact, 3, SrvggActivation.LeakyRelu)]
    [InlineData("srvgg_x4_leakyrelu", UpscalerFamily.SrvggNetCompact, 3, SrvggActivation.LeakyRelu)]
    [InlineData("srvgg_x4_relu", UpscalerFamily.SrvggNetCompact, 3, SrvggActivation.Relu)]
    [InlineData("srvgg_x2_prelu", UpscalerFamily.SrvggNetCompact, 2, SrvggActivation.LeakyRelu)]
    public void The_compiled_graph_matches_BasicSR_within_1e4(string name, UpscalerFamily family, int blocks, SrvggActivation weightless)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Data("upscalers.json")));
        var model = meta.RootElement.GetProperty("models").GetProperty(name);
        var expectedShape = model.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        using var tensors = TorchCheckpointFile.Open(Data(model.GetProperty("file").GetString()!));
        var architecture = UpscalerDetector.Detect(tensors, weightless);
        Assert.Equal(family, architecture.Family);
        Assert.Equal(model.GetProperty("scale").GetInt32(), architecture.Scale);
        Assert.Equal(blocks, architecture.Blocks);
        Assert.Equal(3, architecture.InChannels);

        var graph = UpscalerCompiler.Compile(tensors, architecture);
        var outputs = SdReference.Run(graph, ("image", OrtTensor.Create(ReadF32("input_1x3x12x16.f32"), [1, 3, 12, 16])));
        var (values, shape) = outputs["upscaled"];
        Assert.Equal(expectedShape, shape);
        var difference = SdReference.MaxAbsDifference(values, ReadF32(model.GetProperty("output").GetString()!));
        Assert.True(difference <= 1e-4f, $"{name}: max |ours - BasicSR| = {difference}");
    }

    [Theory]
    [InlineData("srvgg_x4_prelu", SrvggActivation.PRelu)]
    [InlineData("srvgg_x4_leakyrelu", SrvggActivation.LeakyRelu)]
    public void A_compact_model_takes_PReLU_from_its_weights_and_LeakyReLU_when_it_has_none(string name, SrvggActivation expected)
    {
        using var tensors = TorchCheckpointFile.Open(Data(name + ".pth"));
        Assert.Equal(expected, UpscalerDetector.Detect(tensors).Activation);
    }

    [Theory]
    [InlineData("srvgg_x2_prelu.pth", 4)]
    [InlineData("rrdbnet_x4_new.pth", 40)]
    public void Tiled_output_equals_untiled_away_from_seams_and_stays_close_at_them(string file, int radius)
    {
        using var upscaler = NeuralUpscaler.Open(ModelTestFolders.Runtime, Data(file), new OrtSessionOptions { IntraOpThreads = 1 });
        var (h, w, s) = (40, 52, upscaler.Scale);
        var random = new Random(5);
        var image = new float[3 * h * w];
        for (var i = 0; i < image.Length; i++)
        {
            image[i] = (float)random.NextDouble();
        }

        var tiling = new UpscalerTiling(Tile: 24, Overlap: 8);
        var whole = upscaler.UpscalePlanar(image, h, w, UpscalerTiling.None);
        var tiled = upscaler.UpscalePlanar(image, h, w, tiling);
        Assert.Equal(whole.Length, tiled.Length);
        var rows = tiling.Starts(h, 24);
        var cols = tiling.Starts(w, 24);
        Assert.True(rows.Count > 1 && cols.Count > 1);
        var (clean, interior) = (0f, 0);
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < h * s; y++)
            {
                for (var x = 0; x < w * s; x++)
                {
                    if (FarFromInnerEdges(rows, y / s, h, radius) && FarFromInnerEdges(cols, x / s, w, radius))
                    {
                        var i = (((c * h * s) + y) * w * s) + x;
                        clean = Math.Max(clean, Math.Abs(whole[i] - tiled[i]));
                        interior++;
                    }
                }
            }
        }

        var overall = SdReference.MaxAbsDifference(whole, tiled);
        Assert.True(clean <= 1e-5f, $"{interior} values beyond the receptive field of every seam differ by {clean}");
        Assert.True(overall < 0.5f, $"at the seams tiled and untiled differ by {overall}");
        if (radius < 10)
        {
            Assert.True(interior > 0);
        }
    }

    [Fact]
    public void An_image_round_trips_through_the_model_in_A1111s_BGR_order()
    {
        using var upscaler = NeuralUpscaler.Open(ModelTestFolders.Runtime, Data("srvgg_x4_prelu.pth"), new OrtSessionOptions { IntraOpThreads = 1 });
        var input = ReadF32("input_1x3x12x16.f32");
        var expected = ReadF32("srvgg_x4_prelu.out.f32");
        var image = new WebDiffusion.Core.Imaging.RgbaImage(16, 12);
        for (var i = 0; i < 16 * 12; i++)
        {
            // The model input is BGR planes; the image gets RGB bytes, so its blue byte is plane 0.
            image.Pixels[i * 4] = (byte)MathF.Round(input[(2 * 192) + i] * 255f);
            image.Pixels[(i * 4) + 1] = (byte)MathF.Round(input[192 + i] * 255f);
            image.Pixels[(i * 4) + 2] = (byte)MathF.Round(input[i] * 255f);
            image.Pixels[(i * 4) + 3] = 255;
        }

        var output = upscaler.Upscale(image, UpscalerTiling.None);
        Assert.Equal((64, 48), (output.Width, output.Height));
        var plane = 64 * 48;
        var worst = 0f;
        for (var i = 0; i < plane; i++)
        {
            var blue = Math.Clamp(expected[i], 0f, 1f) * 255f;
            worst = Math.Max(worst, Math.Abs(output.Pixels[(i * 4) + 2] - blue));
        }

        // The only differences are the input's 8-bit rounding (±0.5/255) carried through a tiny random net.
        Assert.True(worst <= 16f, $"blue channel differs by {worst} levels");
    }

    [Fact]
    public void A_model_missing_a_key_names_it()
    {
        var folder = Directory.CreateTempSubdirectory("wd-upscaler-");
        try
        {
            var path = Path.Combine(folder.FullName, "broken.safetensors");
            WriteSafetensors(path, ("conv_first.weight", [8, 3, 3, 3]), ("conv_last.weight", [3, 8, 3, 3]));
            using var tensors = SafetensorsFile.Open(path);
            var architecture = UpscalerDetector.Detect(tensors);
            var error = Assert.Throws<CheckpointTensorMissingException>(() => UpscalerCompiler.Compile(tensors, architecture));
            Assert.Contains("conv_body.weight", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_file_with_other_keys_is_an_unsupported_upscaler()
    {
        using var tensors = TorchCheckpointFile.Open(Path.Combine(SharedTestData.RepositoryRoot, "tests", "WebDiffusion.Core.Tests", "Checkpoints", "Pickle", "TestData", "state_dict.pt"));
        Assert.Throws<UnsupportedUpscalerException>(() => UpscalerDetector.Detect(tensors));
    }

    private static bool FarFromInnerEdges(IReadOnlyList<int> starts, int at, int length, int radius)
    {
        var tile = length - starts[^1];
        foreach (var start in starts)
        {
            var end = start + tile;
            if (at < start || at >= end)
            {
                continue;
            }

            if ((start > 0 && at < start + radius) || (end < length && at >= end - radius))
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteSafetensors(string path, params (string Name, long[] Shape)[] tensors)
    {
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var (name, shape) in tensors)
        {
            var bytes = shape.Aggregate(4L, (a, b) => a * b);
            header[name] = new { dtype = "F32", shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }

        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((long)json.Length));
        file.Write(json);
        file.Write(new byte[offset]);
    }
}
