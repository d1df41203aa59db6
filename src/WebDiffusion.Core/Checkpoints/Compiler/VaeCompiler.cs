using System.Globalization;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>
/// Compiles ldm's <c>AutoencoderKL</c> from a checkpoint into the two ONNX graphs the pipeline runs, with the input and
/// output names of the diffusers ONNX export (<see cref="Models.VaeDecoder"/>, <see cref="Models.VaeEncoder"/>):
/// the decoder <c>latent_sample</c> [batch, embed_dim, h, w] → <c>sample</c> [batch, 3, f·h, f·w] (post_quant_conv, then
/// the Decoder), and the encoder <c>sample</c> [batch, 3, H, W] in [−1, 1] → <c>latent_parameters</c>
/// [batch, 2·embed_dim, H/f, W/f] (the Encoder, quant_conv, then mean ‖ log-variance clamped to [−30, 20] as ldm's
/// <c>DiagonalGaussianDistribution</c> does). The decoder's input is the latent already multiplied by 1/scale_factor.
/// </summary>
public static class VaeCompiler
{
    /// <summary>The key prefix of the VAE inside a full checkpoint.</summary>
    public const string CheckpointKeyPrefix = "first_stage_model.";

    /// <summary>The log-variance range of ldm's <c>DiagonalGaussianDistribution</c>.</summary>
    public const float MinLogVariance = -30f, MaxLogVariance = 20f;

    private const string ProbeKey = "decoder.conv_in.weight";

    /// <summary>
    /// The prefix of the VAE keys in <paramref name="tensors"/>: <c>first_stage_model.</c> in a full checkpoint (and in some
    /// standalone VAE files), <c>""</c> in an A1111 <c>models/VAE</c> file with bare <c>encoder.*</c>/<c>decoder.*</c> keys.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file has no VAE tensors.</exception>
    public static string DetectVaeKeyPrefix(ICheckpointTensors tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Contains(CheckpointKeyPrefix + ProbeKey))
        {
            return CheckpointKeyPrefix;
        }

        if (tensors.Contains(ProbeKey))
        {
            return string.Empty;
        }

        throw new CheckpointFormatException(tensors.FilePath, null,
            $"no VAE tensors: neither '{ProbeKey}' nor '{CheckpointKeyPrefix}{ProbeKey}' is in the file; it is not a VAE or a Stable Diffusion checkpoint.");
    }

    /// <summary>The decoder graph over the VAE keys under <paramref name="keyPrefix"/>.</summary>
    /// <exception cref="CheckpointTensorMissingException">A tensor the graph needs is not in the file.</exception>
    /// <exception cref="CheckpointFormatException">A tensor's shape does not fit <paramref name="vae"/>.</exception>
    public static CompiledGraph CompileDecoder(ICheckpointTensors tensors, VaeHyperParameters vae, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(vae);
        var g = new CheckpointGraphBuilder("vae_decoder", tensors, keyPrefix);
        ExpectShape(g, "post_quant_conv.weight", vae.ZChannels, vae.EmbedDim, 1, 1);
        ExpectShape(g, "decoder.conv_in.weight", TopChannels(vae), vae.ZChannels, 3, 3);
        g.Graph.Input("latent_sample", TensorElementType.Float, "batch", vae.EmbedDim, "height", "width");

        var h = VaeLayers.Conv(g, VaeLayers.Conv(g, "latent_sample", "post_quant_conv"), "decoder.conv_in");
        h = Middle(g, h, "decoder.mid", TopChannels(vae));
        for (var level = vae.ChannelMult.Count - 1; level >= 0; level--)
        {
            var up = "decoder.up." + Index(level);
            for (var block = 0; block <= vae.NumResBlocks; block++)
            {
                h = VaeLayers.ResnetBlock(g, h, up + ".block." + Index(block));
                if (vae.AttentionLevels[level])
                {
                    h = VaeLayers.AttnBlock(g, h, up + ".attn." + Index(block), vae.Channels * vae.ChannelMult[level]);
                }
            }

            if (level != 0)
            {
                h = VaeLayers.Upsample(g, h, up + ".upsample");
            }
        }

        var image = VaeLayers.Conv(g, VaeLayers.NormSwish(g, h, "decoder.norm_out"), "decoder.conv_out");
        g.Graph.Node("Identity", [image], ["sample"]);
        g.Graph.Output("sample", TensorElementType.Float, "batch", vae.ImageChannels, "image_height", "image_width");
        return g.Build();
    }

    /// <summary>The encoder graph over the VAE keys under <paramref name="keyPrefix"/>.</summary>
    /// <exception cref="CheckpointTensorMissingException">A tensor the graph needs is not in the file.</exception>
    /// <exception cref="CheckpointFormatException">A tensor's shape does not fit <paramref name="vae"/>.</exception>
    public static CompiledGraph CompileEncoder(ICheckpointTensors tensors, VaeHyperParameters vae, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(vae);
        var g = new CheckpointGraphBuilder("vae_encoder", tensors, keyPrefix);
        ExpectShape(g, "encoder.conv_in.weight", vae.Channels, vae.ImageChannels, 3, 3);
        ExpectShape(g, "quant_conv.weight", 2 * vae.EmbedDim, 2 * vae.ZChannels, 1, 1);
        g.Graph.Input("sample", TensorElementType.Float, "batch", vae.ImageChannels, "height", "width");

        var h = VaeLayers.Conv(g, "sample", "encoder.conv_in");
        for (var level = 0; level < vae.ChannelMult.Count; level++)
        {
            var down = "encoder.down." + Index(level);
            for (var block = 0; block < vae.NumResBlocks; block++)
            {
                h = VaeLayers.ResnetBlock(g, h, down + ".block." + Index(block));
                if (vae.AttentionLevels[level])
                {
                    h = VaeLayers.AttnBlock(g, h, down + ".attn." + Index(block), vae.Channels * vae.ChannelMult[level]);
                }
            }

            if (level != vae.ChannelMult.Count - 1)
            {
                h = VaeLayers.Downsample(g, h, down + ".downsample");
            }
        }

        h = Middle(g, h, "encoder.mid", TopChannels(vae));
        var moments = VaeLayers.Conv(g, VaeLayers.Conv(g, VaeLayers.NormSwish(g, h, "encoder.norm_out"), "encoder.conv_out"), "quant_conv");
        var e = vae.EmbedDim;
        var channelAxis = g.Int64s(1);
        var mean = g.Op("Slice", moments, g.Int64s(0), g.Int64s(e), channelAxis);
        var logVariance = g.Op("Slice", moments, g.Int64s(e), g.Int64s(2 * e), channelAxis);
        var clamped = g.Op("Min", g.Op("Max", logVariance, g.Scalar(MinLogVariance)), g.Scalar(MaxLogVariance));
        g.Graph.Node("Concat", [mean, clamped], ["latent_parameters"], OnnxAttribute.Int("axis", 1));
        g.Graph.Output("latent_parameters", TensorElementType.Float, "batch", 2 * e, "latent_height", "latent_width");
        return g.Build();
    }

    /// <summary>The middle of the encoder and decoder: ResnetBlock, AttnBlock, ResnetBlock.</summary>
    private static string Middle(CheckpointGraphBuilder g, string x, string key, int channels)
    {
        var h = VaeLayers.ResnetBlock(g, x, key + ".block_1");
        h = VaeLayers.AttnBlock(g, h, key + ".attn_1", channels);
        return VaeLayers.ResnetBlock(g, h, key + ".block_2");
    }

    private static int TopChannels(VaeHyperParameters vae) => vae.Channels * vae.ChannelMult[^1];

    private static void ExpectShape(CheckpointGraphBuilder g, string key, params long[] expected)
    {
        var shape = g.Shape(key);
        if (!shape.SequenceEqual(expected))
        {
            throw new CheckpointFormatException(g.Tensors.FilePath, g.KeyPrefix + key,
                $"shape [{string.Join(", ", shape)}] does not fit the VAE's hyper-parameters (expected [{string.Join(", ", expected)}]); the VAE does not belong to this model.");
        }
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
