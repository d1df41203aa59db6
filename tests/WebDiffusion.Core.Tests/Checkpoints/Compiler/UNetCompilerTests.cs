using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Onnx;
using Xunit.Abstractions;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

public sealed class UNetCompilerTests(ITestOutputHelper output) : IDisposable
{
    private const string Prefix = "model.diffusion_model.";
    private const float Bound = 1e-4f;
    private readonly string _folder = Directory.CreateTempSubdirectory("wd-unet-compiler-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Compiled_unet_matches_the_original_model_on_the_reference_inputs(bool fp16)
    {
        using var tensors = SdReference.Open(fp16);
        var graph = UNetCompiler.Compile(tensors, ReferenceHyperParameters(), Prefix);

        var (values, shape) = RunReference(graph);

        var expected = SdReference.Reference("unet_out", fp16);
        Assert.Equal(expected.Shape, shape);
        AssertClose(expected.Floats, values, fp16 ? "fp16 checkpoint vs ref_fp16w" : "fp32 checkpoint vs ref");
    }

    [Fact]
    public void Fused_attention_gives_the_plain_graph_values()
    {
        using var tensors = SdReference.Open();
        var hp = ArchitectureDetector.Detect(tensors).UNet;
        var plain = UNetCompiler.Compile(tensors, hp, Prefix);
        var fused = UNetCompiler.Compile(tensors, hp, Prefix, new UNetCompileOptions { FusedAttention = true });

        var plainOut = RunReference(plain).Values;
        var fusedOut = RunReference(fused).Values;

        Assert.True(fused.Model.AsSpan().IndexOf("MultiHeadAttention"u8) >= 0, "the fused graph has MultiHeadAttention nodes");
        Assert.True(plain.Model.AsSpan().IndexOf("MultiHeadAttention"u8) < 0, "the plain graph has none");
        AssertClose(plainOut, fusedOut, "fused vs plain attention");
        AssertClose(SdReference.Reference("unet_out").Floats, fusedOut, "fused attention vs ref");
    }

    [Fact]
    public void Inpainting_unet_takes_nine_channels_and_ignores_channels_whose_weights_are_zero()
    {
        // input_blocks.0.0.weight widened from 4 to 9 input channels, the 5 new ones zero: the output must be the reference
        // output whatever the mask and masked-image channels hold.
        using var source = SdReference.Open();
        var path = Path.Combine(_folder, "inpainting.safetensors");
        Derive(source, path, info => info.Name == Prefix + "input_blocks.0.0.weight" ? WidenInputChannels(source, info, 9) : null);
        using var tensors = SafetensorsFile.Open(path);
        var hp = ReferenceHyperParameters() with { InChannels = 9 };
        var graph = UNetCompiler.Compile(tensors, hp, Prefix);

        var x = SdReference.Input("unet_x");
        var (b, h, w) = ((int)x.Shape[0], (int)x.Shape[2], (int)x.Shape[3]);
        var widened = new float[b * 9 * h * w];
        for (var i = 0; i < widened.Length; i++)
        {
            widened[i] = MathF.Sin(i * 0.7f) * 3f;
        }

        x.Floats.AsSpan(0, 4 * h * w).CopyTo(widened.AsSpan(0, 4 * h * w));
        x.Floats.AsSpan(4 * h * w, 4 * h * w).CopyTo(widened.AsSpan(9 * h * w, 4 * h * w));
        using var sample = OrtTensor.Create(widened, [b, 9, h, w]);
        var (values, shape) = Run(graph, sample, SdReference.Input("unet_t").Int64s.Select(t => (float)t).ToArray(), SdReference.Input("unet_context"));

        Assert.Equal([b, 4L, h, w], shape);
        AssertClose(SdReference.Reference("unet_out").Floats, values, "inpainting (zero new channels) vs ref");
    }

    [Fact]
    public void Inpainting_unet_runs_on_a_non_square_latent_with_random_extra_channel_weights()
    {
        using var source = SdReference.Open();
        var path = Path.Combine(_folder, "inpainting-random.safetensors");
        Derive(source, path, info => info.Name == Prefix + "input_blocks.0.0.weight" ? WidenInputChannels(source, info, 9, fill: 0.05f) : null);
        using var tensors = SafetensorsFile.Open(path);
        var hp = ArchitectureDetector.Detect(tensors).UNet;
        Assert.Equal(9, hp.InChannels);
        var graph = UNetCompiler.Compile(tensors, hp with { NumHeads = 2 }, Prefix);

        var data = Enumerable.Range(0, 9 * 8 * 16).Select(i => MathF.Cos(i * 0.13f)).ToArray();
        using var sample = OrtTensor.Create(data, [1, 9, 8, 16]);
        var context = Enumerable.Range(0, 5 * hp.ContextDim).Select(i => MathF.Sin(i * 0.29f)).ToArray();
        using var contextTensor = OrtTensor.Create(context, [1, 5, hp.ContextDim]);
        using var timestep = OrtTensor.Create([321f], [1]);

        var (values, shape) = SdReference.Run(graph, ("sample", sample), ("timestep", timestep), ("encoder_hidden_states", contextTensor))["out_sample"];

        Assert.Equal([1L, 4, 8, 16], shape);
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        Assert.True(values.Max(MathF.Abs) > 1e-3f, "the output is not all zeros");
    }

    [Fact]
    public void Linear_projections_of_sd2_give_the_values_of_the_equivalent_1x1_convolutions()
    {
        // SD 2.x stores proj_in/proj_out as nn.Linear [out, in]; a 1x1 conv kernel [out, in, 1, 1] holds the same numbers.
        using var source = SdReference.Open();
        var path = Path.Combine(_folder, "linear-projection.safetensors");
        Derive(source, path, info =>
            info.Name.EndsWith(".proj_in.weight", StringComparison.Ordinal) || info.Name.EndsWith(".proj_out.weight", StringComparison.Ordinal)
                ? RekeyedCheckpoint.Copy(source, info.Name, info.Name) with { Shape = [info.Shape[0], info.Shape[1]] }
                : null);
        using var tensors = SafetensorsFile.Open(path);
        var convHp = ReferenceHyperParameters();
        var linearHp = ArchitectureDetector.Detect(tensors).UNet;
        Assert.True(linearHp.LinearProjection);
        Assert.False(convHp.LinearProjection);

        var linear = RunReference(UNetCompiler.Compile(tensors, convHp with { LinearProjection = true }, Prefix)).Values;
        var conv = RunReference(UNetCompiler.Compile(source, convHp, Prefix)).Values;

        AssertClose(conv, linear, "linear vs conv projections");
        AssertClose(SdReference.Reference("unet_out").Floats, linear, "linear projections vs ref");
    }

    [Fact]
    public void A_missing_tensor_is_named_in_a_typed_error()
    {
        using var source = SdReference.Open();
        var hp = ReferenceHyperParameters();
        var path = Path.Combine(_folder, "only-conv-in.safetensors");
        var convIn = Prefix + "input_blocks.0.0.weight";
        RekeyedCheckpoint.Write(path, [RekeyedCheckpoint.Copy(source, convIn, convIn)]);
        using var tensors = SafetensorsFile.Open(path);

        var error = Assert.Throws<CheckpointTensorMissingException>(() => UNetCompiler.Compile(tensors, hp, Prefix));

        Assert.Contains(Prefix + "time_embed.0.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_convolution_that_does_not_fit_the_hyper_parameters_is_a_format_error()
    {
        using var tensors = SdReference.Open();
        var hp = ArchitectureDetector.Detect(tensors).UNet with { InChannels = 9 };

        var error = Assert.Throws<CheckpointFormatException>(() => UNetCompiler.Compile(tensors, hp, Prefix));

        Assert.Contains("input_blocks.0.0.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sd2_head_channels_that_do_not_divide_the_attention_width_are_a_format_error()
    {
        // SD 2.x fixes 64 channels per head: the fixture's 32-channel attention cannot split into heads of 64.
        using var tensors = SdReference.Open();
        var hp = ReferenceHyperParameters() with { NumHeads = -1, HeadChannels = 64 };

        var error = Assert.Throws<CheckpointFormatException>(() => UNetCompiler.Compile(tensors, hp, Prefix));

        Assert.Contains("input_blocks.1.1.proj_in.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains("0 heads", error.Message, StringComparison.Ordinal);
    }

    private void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        var difference = SdReference.MaxAbsDifference(expected, actual);
        output.WriteLine($"max |difference| {what}: {difference:E2}");
        Assert.InRange(difference, 0f, Bound);
    }

    /// <summary>The fixture's UNet (its yaml, beside the fp32 file only, sets num_heads 2).</summary>
    private static UNetHyperParameters ReferenceHyperParameters()
    {
        using var tensors = SdReference.Open();
        var hp = ArchitectureDetector.Detect(tensors).UNet;
        Assert.Equal(2, hp.NumHeads);
        return hp;
    }

    private static (float[] Values, long[] Shape) RunReference(CompiledGraph graph)
    {
        using var sample = SdReference.FloatTensor(SdReference.Input("unet_x"));
        return Run(graph, sample, SdReference.Input("unet_t").Int64s.Select(t => (float)t).ToArray(), SdReference.Input("unet_context"));
    }

    private static (float[] Values, long[] Shape) Run(CompiledGraph graph, OrtTensor sample, float[] timesteps, NpyArray context)
    {
        using var timestep = OrtTensor.Create(timesteps, [timesteps.Length]);
        using var hidden = SdReference.FloatTensor(context);
        return SdReference.Run(graph, ("sample", sample), ("timestep", timestep), ("encoder_hidden_states", hidden))["out_sample"];
    }

    /// <summary>Writes a copy of <paramref name="source"/> in which <paramref name="replace"/> swaps some tensors (null keeps one).</summary>
    private static void Derive(ICheckpointTensors source, string path, Func<CheckpointTensorInfo, RekeyedCheckpoint.Entry?> replace) =>
        RekeyedCheckpoint.Write(path, source.Tensors.Select(info => replace(info) ?? RekeyedCheckpoint.Copy(source, info.Name, info.Name)));

    private static RekeyedCheckpoint.Entry WidenInputChannels(ICheckpointTensors checkpoint, CheckpointTensorInfo info, int channels, float fill = 0f)
    {
        var bytes = checkpoint.GetBytes(info.Name).ToArray();
        var (outC, inC, kh, kw) = ((int)info.Shape[0], (int)info.Shape[1], (int)info.Shape[2], (int)info.Shape[3]);
        var kernel = kh * kw;
        var source = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, source, 0, bytes.Length);
        var widened = new float[outC * channels * kernel];
        for (var o = 0; o < outC; o++)
        {
            for (var i = 0; i < channels; i++)
            {
                for (var k = 0; k < kernel; k++)
                {
                    widened[(((o * channels) + i) * kernel) + k] = i < inC
                        ? source[(((o * inC) + i) * kernel) + k]
                        : fill * MathF.Sin((o * 31) + (i * 7) + k);
                }
            }
        }

        var data = new byte[widened.Length * 4];
        Buffer.BlockCopy(widened, 0, data, 0, data.Length);
        return new RekeyedCheckpoint.Entry(info.Name, info.DTypeName, [outC, channels, kh, kw], data);
    }
}
