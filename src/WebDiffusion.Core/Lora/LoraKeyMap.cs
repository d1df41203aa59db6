using System.Globalization;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler;

namespace WebDiffusion.Core.Lora;

/// <summary>
/// Kohya/A1111 LoRA module names of a checkpoint's LoRA targets (<see cref="LoraTargets"/>). Kohya's sd-scripts name modules
/// after diffusers (<c>lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q</c>,
/// <c>lora_te_text_model_encoder_layers_0_self_attn_q_proj</c>); A1111 converts those names to the ldm modules. This map goes
/// the other way, from each ldm key to its diffusers-style name, with the block numbering taken from the checkpoint's
/// ResBlocks per level (A1111's formulas are written for SD's two): down level l, block j ↔ <c>input_blocks.{1 + l·(n+1) + j}</c>,
/// up level l, block j ↔ <c>output_blocks.{l·(n+1) + j}</c>, resnet parts <c>in_layers.2</c>/<c>out_layers.3</c>/
/// <c>emb_layers.1</c>/<c>skip_connection</c> ↔ <c>conv1</c>/<c>conv2</c>/<c>time_emb_proj</c>/<c>conv_shortcut</c>.
/// </summary>
public sealed class LoraKeyMap
{
    private const string UNetLora = "lora_unet_";
    private const string TextLora = "lora_te_";
    private const string TextPrefix = "cond_stage_model.transformer.";

    private readonly Dictionary<string, string> _keys;

    private LoraKeyMap(Dictionary<string, string> keys) => _keys = keys;

    /// <summary>Kohya module name → full checkpoint key of the weight it changes.</summary>
    public IReadOnlyDictionary<string, string> Keys => _keys;

    /// <summary>The map of <paramref name="checkpoint"/>'s targets.</summary>
    public static LoraKeyMap For(ICheckpointTensors checkpoint, UNetHyperParameters unet)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(unet);
        var targets = new LoraTargets(checkpoint);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var info in checkpoint.Tensors)
        {
            string? name = null;
            if (targets.IsUNetTarget(info.Name))
            {
                var module = info.Name[CheckpointCompiler.UNetPrefix.Length..^".weight".Length];
                name = DiffusersUNetName(module, unet.NumResBlocks, checkpoint) is { } diffusers ? UNetLora + diffusers.Replace('.', '_') : null;
            }
            else if (targets.IsTextEncoderTarget(info.Name))
            {
                name = TextLora + info.Name[TextPrefix.Length..^".weight".Length].Replace('.', '_');
            }

            if (name is not null)
            {
                keys[name] = info.Name;
            }
        }

        return new LoraKeyMap(keys);
    }

    /// <summary>Whether <paramref name="key"/> (a full checkpoint key) belongs to the text encoder.</summary>
    public static bool IsTextEncoderKey(string key) => key.StartsWith("cond_stage_model.", StringComparison.Ordinal);

    private static string? DiffusersUNetName(string module, int resBlocks, ICheckpointTensors checkpoint)
    {
        switch (module)
        {
            case "time_embed.0":
                return "time_embedding.linear_1";
            case "time_embed.2":
                return "time_embedding.linear_2";
            case "input_blocks.0.0":
                return "conv_in";
            case "out.2":
                return "conv_out";
        }

        if (module.StartsWith("middle_block.", StringComparison.Ordinal))
        {
            var middle = module.Split('.', 3);
            if (middle.Length < 3 || !int.TryParse(middle[1], NumberStyles.None, CultureInfo.InvariantCulture, out var part))
            {
                return null;
            }

            return part == 1 ? Part("mid_block", "attentions", 0, middle[2]) : Part("mid_block", "resnets", part / 2, middle[2]);
        }

        var parts = module.Split('.', 4);
        if (parts.Length < 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sub))
        {
            return null;
        }

        var rest = parts.Length > 3 ? parts[3] : string.Empty;
        var perLevel = resBlocks + 1;
        switch (parts[0])
        {
            case "input_blocks" when index >= 1:
                {
                    var (level, block) = Math.DivRem(index - 1, perLevel);
                    return block == resBlocks
                        ? (sub == 0 && rest == "op" ? $"down_blocks.{level}.downsamplers.0.conv" : null)
                        : Part($"down_blocks.{level}", sub == 0 ? "resnets" : "attentions", block, rest);
                }

            case "output_blocks":
                {
                    var (level, block) = Math.DivRem(index, perLevel);
                    var upsampler = rest == "conv" && checkpoint.TryGet($"{CheckpointCompiler.UNetPrefix}output_blocks.{index}.{sub}.conv.weight", out _);
                    return upsampler ? $"up_blocks.{level}.upsamplers.0.conv" : Part($"up_blocks.{level}", sub == 0 ? "resnets" : "attentions", block, rest);
                }

            default:
                return null;
        }
    }

    private static string? Part(string block, string kind, int index, string rest)
    {
        if (kind == "attentions")
        {
            return $"{block}.attentions.{index}.{rest}";
        }

        var diffusers = rest switch
        {
            "in_layers.2" => "conv1",
            "out_layers.3" => "conv2",
            "emb_layers.1" => "time_emb_proj",
            "skip_connection" => "conv_shortcut",
            _ => null,
        };
        return diffusers is null ? null : $"{block}.resnets.{index}.{diffusers}";
    }
}
