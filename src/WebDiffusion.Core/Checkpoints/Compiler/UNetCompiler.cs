using System.Globalization;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler.UNetBlocks;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>
/// Compiles the UNet of an SD 1.x/2.x checkpoint (ldm's <c>UNetModel</c> with spatial transformers) into an ONNX graph
/// with the diffusers export's signature: <c>sample</c> float [batch, in_channels, height, width], <c>timestep</c> float
/// [batch] and <c>encoder_hidden_states</c> float [batch, sequence, context_dim] → <c>out_sample</c> float
/// [batch, out_channels, height, width]. Weights stay in the checkpoint file (external data).
/// </summary>
public static class UNetCompiler
{
    /// <summary>ldm's <c>timestep_embedding</c> max_period.</summary>
    private const double MaxPeriod = 10000;

    /// <summary>
    /// The graph of the UNet whose tensors are under <paramref name="keyPrefix"/> (A1111 files: <c>model.diffusion_model.</c>)
    /// in <paramref name="tensors"/>, shaped by <paramref name="hp"/>.
    /// </summary>
    /// <exception cref="CheckpointTensorMissingException">A tensor the architecture needs is not in the checkpoint.</exception>
    /// <exception cref="CheckpointFormatException">A tensor has a shape the architecture does not allow.</exception>
    public static CompiledGraph Compile(ICheckpointTensors tensors, UNetHyperParameters hp, string keyPrefix, UNetCompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(hp);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        options ??= UNetCompileOptions.Default;
        var g = new CheckpointGraphBuilder("unet", tensors, keyPrefix, weightInputs: options.WeightInputs);
        CheckInputConvolution(g, hp);

        var sample = g.Graph.Input("sample", TensorElementType.Float, "batch", hp.InChannels, "height", "width");
        var timestep = g.Graph.Input("timestep", TensorElementType.Float, "batch");
        var context = g.Graph.Input("encoder_hidden_states", TensorElementType.Float, "batch", "sequence", hp.ContextDim);

        var embedding = g.Linear(g.Silu(g.Linear(TimestepEmbedding(g, timestep, hp.ModelChannels), "time_embed.0")), "time_embed.2");
        var c = new UNetGraphContext(g, hp, options, g.Silu(embedding), context);

        var skips = new Stack<(string Value, int Channels)>();
        var h = g.Conv2d(sample, "input_blocks.0.0");
        var channels = hp.ModelChannels;
        skips.Push((h, channels));
        var block = 1;
        for (var level = 0; level < hp.Levels; level++)
        {
            channels = hp.ModelChannels * hp.ChannelMult[level];
            for (var r = 0; r < hp.NumResBlocks; r++, block++)
            {
                var key = Key("input_blocks", block);
                h = UNetResBlock.Write(c, h, key + ".0");
                if (hp.AttentionLevels[level])
                {
                    h = UNetSpatialTransformer.Write(c, h, key + ".1", channels);
                }

                skips.Push((h, channels));
            }

            if (level != hp.Levels - 1)
            {
                h = g.Conv2d(h, Key("input_blocks", block) + ".0.op", stride: 2, padding: 1);
                skips.Push((h, channels));
                block++;
            }
        }

        h = UNetResBlock.Write(c, h, "middle_block.0");
        h = UNetSpatialTransformer.Write(c, h, "middle_block.1", channels);
        h = UNetResBlock.Write(c, h, "middle_block.2");

        block = 0;
        for (var level = hp.Levels - 1; level >= 0; level--)
        {
            channels = hp.ModelChannels * hp.ChannelMult[level];
            for (var r = 0; r <= hp.NumResBlocks; r++, block++)
            {
                var key = Key("output_blocks", block);
                h = g.Op("Concat", [h, skips.Pop().Value], OnnxAttribute.Int("axis", 1));
                h = UNetResBlock.Write(c, h, key + ".0");
                var layer = 1;
                if (hp.AttentionLevels[level])
                {
                    h = UNetSpatialTransformer.Write(c, h, key + "." + Index(layer++), channels);
                }

                if (level > 0 && r == hp.NumResBlocks)
                {
                    h = g.Conv2d(g.UpsampleNearest2x(h), key + "." + Index(layer) + ".conv");
                }
            }
        }

        h = g.Conv2d(g.Silu(g.GroupNorm(h, "out.0", UNetResBlock.Groups, UNetResBlock.Epsilon)), "out.2");
        g.Graph.Node("Identity", [h], ["out_sample"]);
        g.Graph.Output("out_sample", TensorElementType.Float, "batch", hp.OutChannels, "height", "width");
        return g.Build();
    }

    /// <summary>
    /// ldm's <c>timestep_embedding</c>: [cos(t·f) ‖ sin(t·f)] with f_i = exp(−ln(10000)·i / half), i &lt; half = dim / 2, and a
    /// zero column when dim is odd. The frequencies are computed in float32 in torch's order of operations.
    /// </summary>
    private static string TimestepEmbedding(CheckpointGraphBuilder g, string timestep, int dim)
    {
        var half = dim / 2;
        var freqs = new float[half];
        var minusLog = (float)-Math.Log(MaxPeriod);
        for (var i = 0; i < half; i++)
        {
            freqs[i] = MathF.Exp(minusLog * i / half);
        }

        var args = g.Op("Mul", g.Op("Unsqueeze", timestep, g.Int64s(1)), g.Floats(freqs, 1, half));
        string[] parts = dim % 2 == 0
            ? [g.Op("Cos", args), g.Op("Sin", args)]
            : [g.Op("Cos", args), g.Op("Sin", args), g.Op("Mul", g.Op("Slice", args, g.Int64s(0), g.Int64s(1), g.Int64s(1)), g.Scalar(0f))];
        return g.Op("Concat", parts, OnnxAttribute.Int("axis", -1));
    }

    private static void CheckInputConvolution(CheckpointGraphBuilder g, UNetHyperParameters hp)
    {
        const string Key = "input_blocks.0.0.weight";
        var shape = g.Shape(Key);
        if (shape.Count != 4 || shape[1] != hp.InChannels || shape[0] != hp.ModelChannels)
        {
            throw new CheckpointFormatException(g.Tensors.FilePath, g.KeyPrefix + Key,
                $"the input convolution is [{string.Join(", ", shape)}], the architecture needs [{hp.ModelChannels}, {hp.InChannels}, 3, 3].");
        }
    }

    private static string Key(string blocks, int index) => blocks + "." + Index(index);

    private static string Index(int index) => index.ToString(CultureInfo.InvariantCulture);
}
