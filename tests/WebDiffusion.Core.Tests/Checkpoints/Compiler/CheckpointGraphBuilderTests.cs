using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

public sealed class CheckpointGraphBuilderTests
{
    private const string QProj = "cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj";
    private const string VaeNorm = "first_stage_model.decoder.mid.block_1.norm1";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Linear_computes_x_times_W_transposed_plus_b_with_the_checkpoint_weights(bool fp16)
    {
        using var tensors = SdReference.Open(fp16);
        var g = new CheckpointGraphBuilder("linear", tensors, string.Empty);
        g.Graph.Input("x", TensorElementType.Float, 3, 64);
        g.Graph.Node("Identity", [g.Linear("x", QProj)], ["y"]);
        g.Graph.Output("y", TensorElementType.Float, 3, 64);
        var x = Enumerable.Range(0, 3 * 64).Select(i => MathF.Sin(i * 0.37f)).ToArray();

        using var input = OrtTensor.Create(x, [3, 64]);
        var y = SdReference.Run(g.Build(), ("x", input))["y"].Values;

        var w = tensors.ReadFloat32(QProj + ".weight");
        var b = tensors.ReadFloat32(QProj + ".bias");
        var expected = new float[3 * 64];
        for (var r = 0; r < 3; r++)
        {
            for (var o = 0; o < 64; o++)
            {
                var sum = (double)b[o];
                for (var i = 0; i < 64; i++)
                {
                    sum += x[(r * 64) + i] * (double)w[(o * 64) + i];
                }

                expected[(r * 64) + o] = (float)sum;
            }
        }

        Assert.InRange(SdReference.MaxAbsDifference(expected, y), 0f, 1e-5f);
    }

    [Fact]
    public void GroupNorm_normalizes_each_group_and_applies_the_per_channel_affine()
    {
        using var tensors = SdReference.Open();
        const int C = 64, Hw = 4 * 4, Groups = 32;
        var g = new CheckpointGraphBuilder("groupnorm", tensors, "first_stage_model.");
        g.Graph.Input("x", TensorElementType.Float, 1, C, 4, 4);
        g.Graph.Node("Identity", [g.GroupNorm("x", "decoder.mid.block_1.norm1", Groups, 1e-6f)], ["y"]);
        g.Graph.Output("y", TensorElementType.Float, 1, C, 4, 4);
        var x = Enumerable.Range(0, C * Hw).Select(i => MathF.Cos(i * 0.11f) * (1 + (i % 7))).ToArray();

        using var input = OrtTensor.Create(x, [1, C, 4, 4]);
        var y = SdReference.Run(g.Build(), ("x", input))["y"].Values;

        var weight = tensors.ReadFloat32(VaeNorm + ".weight");
        var bias = tensors.ReadFloat32(VaeNorm + ".bias");
        var expected = new float[x.Length];
        var perGroup = C / Groups * Hw;
        for (var group = 0; group < Groups; group++)
        {
            var slice = x.AsSpan(group * perGroup, perGroup);
            var mean = slice.ToArray().Average(v => (double)v);
            var variance = slice.ToArray().Average(v => (v - mean) * (v - mean));
            for (var i = 0; i < perGroup; i++)
            {
                var channel = ((group * perGroup) + i) / Hw;
                expected[(group * perGroup) + i] = (float)(((slice[i] - mean) / Math.Sqrt(variance + 1e-6) * weight[channel]) + bias[channel]);
            }
        }

        Assert.InRange(SdReference.MaxAbsDifference(expected, y), 0f, 1e-5f);
    }

    [Fact]
    public void UpsampleNearest2x_repeats_every_pixel_into_a_2x2_block()
    {
        using var tensors = SdReference.Open();
        var g = new CheckpointGraphBuilder("upsample", tensors, string.Empty);
        g.Graph.Input("x", TensorElementType.Float, 1, 2, 2, 3);
        g.Graph.Node("Identity", [g.UpsampleNearest2x("x")], ["y"]);
        g.Graph.Output("y", TensorElementType.Float, 1, 2, 4, 6);
        var x = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();

        using var input = OrtTensor.Create(x, [1, 2, 2, 3]);
        var (y, shape) = SdReference.Run(g.Build(), ("x", input))["y"];

        Assert.Equal([1L, 2, 4, 6], shape);
        for (var c = 0; c < 2; c++)
        {
            for (var r = 0; r < 4; r++)
            {
                for (var col = 0; col < 6; col++)
                {
                    Assert.Equal(x[(c * 6) + (r / 2 * 3) + (col / 2)], y[(c * 24) + (r * 6) + col]);
                }
            }
        }
    }
}
