using System.Globalization;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Checkpoints.Architecture;

/// <summary>
/// Recognises a checkpoint from its keys and reads the hyper-parameters of its UNet, VAE and text encoder from the tensor
/// shapes, as A1111's <c>guess_model_config_from_state_dict</c> does: SD 1.x (CompVis keys, OpenAI CLIP), SD 2.x (OpenCLIP
/// <c>cond_stage_model.model.*</c>), inpainting (9 input channels). Heads come from the yaml beside the file, else A1111's
/// defaults (SD 1.x 8 heads, SD 2.x 64 channels per head). Anything else is an <see cref="UnsupportedCheckpointException"/>.
/// </summary>
public static class ArchitectureDetector
{
    private const string UNetPrefix = "model.diffusion_model.";
    private const string VaePrefix = "first_stage_model.";
    private const string Sd1ClipPrefix = "cond_stage_model.transformer.text_model.";
    private const string Sd2ClipPrefix = "cond_stage_model.model.";

    /// <summary>The family of a checkpoint from its keys alone.</summary>
    public static CheckpointFamily DetectFamily(ICheckpointTensors tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        bool Any(string prefix) => tensors.Tensors.Any(t => t.Name.StartsWith(prefix, StringComparison.Ordinal));
        if (Any("conditioner.embedders."))
        {
            return CheckpointFamily.StableDiffusionXL;
        }

        if (Any(UNetPrefix + "joint_blocks.") || Any("joint_blocks."))
        {
            return CheckpointFamily.StableDiffusion3;
        }

        if (Any(UNetPrefix + "double_blocks.") || Any("double_blocks."))
        {
            return CheckpointFamily.Flux;
        }

        if (!tensors.Contains(UNetPrefix + "input_blocks.0.0.weight"))
        {
            return CheckpointFamily.Unknown;
        }

        return tensors.Contains(Sd2ClipPrefix + "ln_final.weight") ? CheckpointFamily.StableDiffusion2
            : Any(Sd1ClipPrefix) ? CheckpointFamily.StableDiffusion1
            : CheckpointFamily.Unknown;
    }

    /// <summary>Detects the architecture; reads the yaml beside the file when <paramref name="yaml"/> is not given.</summary>
    /// <exception cref="UnsupportedCheckpointException">SDXL, SD3, Flux, or keys of no known family.</exception>
    /// <exception cref="CheckpointFormatException">An expected tensor is missing or has an unexpected shape.</exception>
    public static CheckpointArchitecture Detect(ICheckpointTensors tensors, CheckpointYaml? yaml = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var family = DetectFamily(tensors);
        switch (family)
        {
            case CheckpointFamily.StableDiffusionXL:
                throw new UnsupportedCheckpointException(tensors.FilePath, "SDXL");
            case CheckpointFamily.StableDiffusion3:
                throw new UnsupportedCheckpointException(tensors.FilePath, "SD3");
            case CheckpointFamily.Flux:
                throw new UnsupportedCheckpointException(tensors.FilePath, "Flux");
            case CheckpointFamily.Unknown:
                throw new UnsupportedCheckpointException(tensors.FilePath, "unknown model (no Stable Diffusion 1.x/2.x keys)");
        }

        yaml ??= CheckpointYaml.FindBeside(tensors.FilePath);
        var sd2 = family == CheckpointFamily.StableDiffusion2;
        var unet = ReadUNet(tensors, yaml, sd2);
        if (unet.InChannels is not (4 or 9))
        {
            throw new UnsupportedCheckpointException(tensors.FilePath, $"a UNet with {unet.InChannels} input channels (e.g. instruct-pix2pix)");
        }

        var inpainting = unet.InChannels == 9;
        var (prediction, source) = ChoosePrediction(yaml, sd2, inpainting);
        return new CheckpointArchitecture(
            family,
            inpainting,
            prediction,
            source,
            unet,
            ReadVae(tensors, VaePrefix),
            sd2 ? ReadOpenClip(tensors, yaml) : ReadOpenAiClip(tensors, yaml),
            yaml?.FindFloat("params", "scale_factor") ?? 0.18215f);
    }

    private static (PredictionType, string) ChoosePrediction(CheckpointYaml? yaml, bool sd2, bool inpainting)
    {
        var parameterization = yaml?.Find("params", "parameterization");
        if (parameterization is not null)
        {
            return (parameterization == "v" ? PredictionType.VPrediction : PredictionType.Epsilon, "yaml parameterization: " + parameterization);
        }

        if (yaml is not null)
        {
            return (PredictionType.Epsilon, "yaml without parameterization (ldm's default eps)");
        }

        // A1111 picks v2-inference-v.yaml for SD 2.x unless it is the inpainting model (v2-inpainting-inference.yaml, eps).
        return sd2 && !inpainting
            ? (PredictionType.VPrediction, "SD 2.x default (v2-inference-v)")
            : (PredictionType.Epsilon, sd2 ? "SD 2.x inpainting default (eps)" : "SD 1.x default (eps)");
    }

    private static UNetHyperParameters ReadUNet(ICheckpointTensors t, CheckpointYaml? yaml, bool sd2)
    {
        string K(string suffix) => UNetPrefix + suffix;
        var conv = t.ShapeOf(K("input_blocks.0.0.weight"));
        var modelChannels = Dim(t, K("input_blocks.0.0.weight"), 0);
        var inChannels = (int)conv[1];
        var outChannels = Dim(t, K("out.2.weight"), 0);
        var mult = new List<int>();
        var attention = new List<bool>();
        var resPerLevel = new List<int>();
        var depth = 0;
        var contextDim = 0;
        var linear = false;
        var count = 0;
        for (var i = 1; t.Contains(K(Index(i) + ".0.op.weight")) || t.Contains(K(Index(i) + ".0.out_layers.3.weight")); i++)
        {
            if (t.Contains(K(Index(i) + ".0.op.weight")))
            {
                resPerLevel.Add(count);
                count = 0;
                continue;
            }

            var channels = Dim(t, K(Index(i) + ".0.out_layers.3.weight"), 0);
            if (count == 0)
            {
                mult.Add(channels / modelChannels);
                attention.Add(false);
            }

            count++;
            var proj = K(Index(i) + ".1.proj_in.weight");
            if (t.Contains(proj))
            {
                attention[^1] = true;
                linear = t.ShapeOf(proj).Count == 2;
                contextDim = Dim(t, K(Index(i) + ".1.transformer_blocks.0.attn2.to_k.weight"), 1);
                depth = 0;
                while (t.Contains(K(Index(i) + $".1.transformer_blocks.{depth}.attn1.to_q.weight")))
                {
                    depth++;
                }
            }
        }

        resPerLevel.Add(count);
        if (mult.Count == 0 || resPerLevel.Distinct().Count() != 1)
        {
            throw new CheckpointFormatException(t.FilePath, K("input_blocks"), $"the input blocks do not form levels of equal ResBlock counts ([{string.Join(", ", resPerLevel)}]).");
        }

        var heads = yaml?.FindInt("unet_config", "num_heads");
        var headChannels = yaml?.FindInt("unet_config", "num_head_channels");
        if (heads is null or <= 0 && headChannels is null or <= 0)
        {
            (heads, headChannels) = sd2 ? (-1, 64) : (8, -1);
        }
        else if (headChannels is > 0)
        {
            heads = -1;
        }
        else
        {
            headChannels = -1;
        }

        return new UNetHyperParameters(inChannels, outChannels, modelChannels, mult, resPerLevel[0], attention, depth, contextDim, linear, heads!.Value, headChannels!.Value);

        static string Index(int i) => "input_blocks." + i.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The VAE hyper-parameters of the keys under <paramref name="prefix"/> (<c>first_stage_model.</c> in a checkpoint, "" in
    /// a standalone A1111 VAE file).
    /// </summary>
    /// <exception cref="CheckpointTensorMissingException">A VAE tensor the reading needs is missing.</exception>
    public static VaeHyperParameters ReadVae(ICheckpointTensors tensors, string prefix)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(prefix);
        var t = tensors;
        string K(string suffix) => prefix + suffix;
        var ch = Dim(t, K("encoder.conv_in.weight"), 0);
        var mult = new List<int>();
        var attention = new List<bool>();
        for (var level = 0; t.Contains(K($"encoder.down.{level}.block.0.conv1.weight")); level++)
        {
            mult.Add(Dim(t, K($"encoder.down.{level}.block.0.conv2.weight"), 0) / ch);
            attention.Add(t.Contains(K($"encoder.down.{level}.attn.0.q.weight")));
        }

        var res = 0;
        while (t.Contains(K($"encoder.down.0.block.{res}.conv1.weight")))
        {
            res++;
        }

        return new VaeHyperParameters(
            ch,
            mult,
            res,
            attention,
            Dim(t, K("decoder.conv_in.weight"), 1),
            Dim(t, K("post_quant_conv.weight"), 0),
            Dim(t, K("encoder.conv_in.weight"), 1));
    }

    private static ClipTextHyperParameters ReadOpenAiClip(ICheckpointTensors t, CheckpointYaml? yaml)
    {
        string K(string suffix) => Sd1ClipPrefix + suffix;
        var token = t.ShapeOf(K("embeddings.token_embedding.weight"));
        var width = (int)token[1];
        var layers = 0;
        while (t.Contains(K($"encoder.layers.{layers}.self_attn.q_proj.weight")))
        {
            layers++;
        }

        return new ClipTextHyperParameters(
            (int)token[0],
            Dim(t, K("embeddings.position_embedding.weight"), 0),
            width,
            layers,
            yaml?.FindInt("text_config", "num_attention_heads") ?? Math.Max(1, width / 64),
            Dim(t, K("encoder.layers.0.mlp.fc1.weight"), 0),
            QuickGelu: true,
            1e-5f);
    }

    private static ClipTextHyperParameters ReadOpenClip(ICheckpointTensors t, CheckpointYaml? yaml)
    {
        string K(string suffix) => Sd2ClipPrefix + suffix;
        var token = t.ShapeOf(K("token_embedding.weight"));
        var width = (int)token[1];
        var layers = 0;
        while (t.Contains(K($"transformer.resblocks.{layers}.attn.in_proj_weight")))
        {
            layers++;
        }

        return new ClipTextHyperParameters(
            (int)token[0],
            Dim(t, K("positional_embedding"), 0),
            width,
            layers,
            yaml?.FindInt("text_config", "num_attention_heads") ?? Math.Max(1, width / 64),
            Dim(t, K("transformer.resblocks.0.mlp.c_fc.weight"), 0),
            QuickGelu: false,
            1e-5f);
    }

    private static int Dim(ICheckpointTensors t, string key, int axis)
    {
        var shape = t.ShapeOf(key);
        return axis < shape.Count
            ? checked((int)shape[axis])
            : throw new CheckpointFormatException(t.FilePath, key, $"expected at least {axis + 1} dimensions, got [{string.Join(", ", shape)}].");
    }
}
