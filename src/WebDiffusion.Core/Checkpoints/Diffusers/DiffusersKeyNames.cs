using System.Globalization;
using System.Text.RegularExpressions;
using WebDiffusion.Core.Checkpoints.Compiler;

namespace WebDiffusion.Core.Checkpoints.Diffusers;

/// <summary>
/// The ldm (A1111 checkpoint) name of each tensor of a diffusers component file, as the compilers read them: UNet
/// (<c>UNet2DConditionModel</c> → ldm <c>UNetModel</c> under <c>model.diffusion_model.</c>), VAE (<c>AutoencoderKL</c> →
/// ldm <c>AutoencoderKL</c> under <c>first_stage_model.</c>, the mid-block attention's Linear [c, c] weights presented as the
/// 1×1 convolutions [c, c, 1, 1] ldm stores) and the transformers <c>CLIPTextModel</c> (<c>text_model.*</c> under
/// <c>cond_stage_model.transformer.</c>). The block numbering follows from the file's own keys (resnets per level, which
/// up levels carry attention, how many levels), not from SD 1.5's sizes. Tensors with no ldm counterpart are left out.
/// </summary>
public static partial class DiffusersKeyNames
{
    /// <summary>Presented name → (name in the file, shape to present or null) for a diffusers UNet file.</summary>
    public static Dictionary<string, (string Source, long[]? Shape)> UNet(ICheckpointTensors file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var perLevel = CountIndices(file, ResnetOfDownBlock0());
        var names = new Dictionary<string, (string, long[]?)>(StringComparer.Ordinal);
        foreach (var info in file.Tensors)
        {
            if (UNetName(info.Name, perLevel, file) is { } ldm)
            {
                names[CheckpointCompiler.UNetPrefix + ldm] = (info.Name, null);
            }
        }

        return names;
    }

    /// <summary>Presented name → (name in the file, shape to present or null) for a diffusers VAE file.</summary>
    public static Dictionary<string, (string Source, long[]? Shape)> Vae(ICheckpointTensors file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var levels = CountIndices(file, DecoderUpBlock());
        var names = new Dictionary<string, (string, long[]?)>(StringComparer.Ordinal);
        foreach (var info in file.Tensors)
        {
            if (VaeName(info.Name, levels) is { } ldm)
            {
                var conv = ldm.Contains(".mid.attn_1.", StringComparison.Ordinal) && ldm.EndsWith(".weight", StringComparison.Ordinal)
                    && !ldm.EndsWith(".norm.weight", StringComparison.Ordinal) && info.Rank == 2;
                names[CheckpointCompiler.VaePrefix + ldm] = (info.Name, conv ? [info.Shape[0], info.Shape[1], 1, 1] : null);
            }
        }

        return names;
    }

    /// <summary>Presented name → (name in the file, null) for a transformers <c>CLIPTextModel</c> file.</summary>
    public static Dictionary<string, (string Source, long[]? Shape)> TextEncoder(ICheckpointTensors file)
    {
        ArgumentNullException.ThrowIfNull(file);
        const string prefix = "cond_stage_model.transformer.";
        return file.Tensors.Where(t => t.Name.StartsWith("text_model.", StringComparison.Ordinal))
            .ToDictionary(t => prefix + t.Name, t => (t.Name, (long[]?)null), StringComparer.Ordinal);
    }

    private static string? UNetName(string key, int n, ICheckpointTensors file)
    {
        var top = key switch
        {
            _ when key.StartsWith("conv_in.", StringComparison.Ordinal) => "input_blocks.0.0." + key["conv_in.".Length..],
            _ when key.StartsWith("time_embedding.linear_1.", StringComparison.Ordinal) => "time_embed.0." + key["time_embedding.linear_1.".Length..],
            _ when key.StartsWith("time_embedding.linear_2.", StringComparison.Ordinal) => "time_embed.2." + key["time_embedding.linear_2.".Length..],
            _ when key.StartsWith("conv_norm_out.", StringComparison.Ordinal) => "out.0." + key["conv_norm_out.".Length..],
            _ when key.StartsWith("conv_out.", StringComparison.Ordinal) => "out.2." + key["conv_out.".Length..],
            _ => null,
        };
        if (top is not null || MidName(key) is { } mid && (top = mid) is not null)
        {
            return top;
        }

        var m = UNetBlock().Match(key);
        if (!m.Success)
        {
            return null;
        }

        var kind = m.Groups["kind"].Value;
        var level = int.Parse(m.Groups["level"].Value, CultureInfo.InvariantCulture);
        var j = int.Parse(m.Groups["j"].Value, CultureInfo.InvariantCulture);
        var rest = m.Groups["rest"].Value;
        return (m.Groups["part"].Value, kind) switch
        {
            ("down_blocks", "resnets") => $"input_blocks.{((n + 1) * level) + j + 1}.0.{ResBlock(rest)}",
            ("down_blocks", "attentions") => $"input_blocks.{((n + 1) * level) + j + 1}.1.{rest}",
            ("down_blocks", "downsamplers") when rest.StartsWith("conv.", StringComparison.Ordinal) => $"input_blocks.{(n + 1) * (level + 1)}.0.op.{rest["conv.".Length..]}",
            ("up_blocks", "resnets") => $"output_blocks.{((n + 1) * level) + j}.0.{ResBlock(rest)}",
            ("up_blocks", "attentions") => $"output_blocks.{((n + 1) * level) + j}.1.{rest}",
            ("up_blocks", "upsamplers") => $"output_blocks.{((n + 1) * level) + n}.{(HasUpAttention(file, level) ? 2 : 1)}.{rest}",
            _ => null,
        };
    }

    private static string? MidName(string key) =>
        key.StartsWith("mid_block.resnets.0.", StringComparison.Ordinal) ? "middle_block.0." + ResBlock(key["mid_block.resnets.0.".Length..])
        : key.StartsWith("mid_block.resnets.1.", StringComparison.Ordinal) ? "middle_block.2." + ResBlock(key["mid_block.resnets.1.".Length..])
        : key.StartsWith("mid_block.attentions.0.", StringComparison.Ordinal) ? "middle_block.1." + key["mid_block.attentions.0.".Length..]
        : null;

    private static string ResBlock(string rest)
    {
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        var (layer, tail) = dot < 0 ? (rest, string.Empty) : (rest[..dot], rest[dot..]);
        return layer switch
        {
            "norm1" => "in_layers.0",
            "conv1" => "in_layers.2",
            "time_emb_proj" => "emb_layers.1",
            "norm2" => "out_layers.0",
            "conv2" => "out_layers.3",
            "conv_shortcut" => "skip_connection",
            _ => layer,
        } + tail;
    }

    private static string? VaeName(string key, int levels)
    {
        if (key.StartsWith("quant_conv.", StringComparison.Ordinal) || key.StartsWith("post_quant_conv.", StringComparison.Ordinal))
        {
            return key;
        }

        var m = VaeKey().Match(key);
        if (!m.Success)
        {
            return null;
        }

        var side = m.Groups["side"].Value;
        var rest = m.Groups["rest"].Value;
        string? Blocks(Match b)
        {
            var level = int.Parse(b.Groups["level"].Value, CultureInfo.InvariantCulture);
            var j = b.Groups["j"].Value;
            var tail = b.Groups["tail"].Value;
            var ldmLevel = side == "encoder" ? level : levels - 1 - level;
            var where = side == "encoder" ? "down" : "up";
            return b.Groups["kind"].Value switch
            {
                "resnets" => $"{where}.{ldmLevel}.block.{j}.{Shortcut(tail)}",
                "downsamplers" when side == "encoder" => $"down.{ldmLevel}.downsample.{tail}",
                "upsamplers" when side == "decoder" => $"up.{ldmLevel}.upsample.{tail}",
                _ => null,
            };
        }

        var ldm = rest switch
        {
            _ when rest.StartsWith("conv_in.", StringComparison.Ordinal) || rest.StartsWith("conv_out.", StringComparison.Ordinal) => rest,
            _ when rest.StartsWith("conv_norm_out.", StringComparison.Ordinal) => "norm_out." + rest["conv_norm_out.".Length..],
            _ when rest.StartsWith("mid_block.resnets.", StringComparison.Ordinal) => MidResnet(rest["mid_block.resnets.".Length..]),
            _ when rest.StartsWith("mid_block.attentions.0.", StringComparison.Ordinal) => "mid.attn_1." + VaeAttention(rest["mid_block.attentions.0.".Length..]),
            _ when VaeBlock().Match(rest) is { Success: true } b => Blocks(b),
            _ => null,
        };
        return ldm is null ? null : side + "." + ldm;
    }

    private static string? MidResnet(string rest)
    {
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            ? $"mid.block_{i + 1}.{Shortcut(rest[(dot + 1)..])}"
            : null;
    }

    private static string Shortcut(string tail) =>
        tail.StartsWith("conv_shortcut.", StringComparison.Ordinal) ? "nin_shortcut." + tail["conv_shortcut.".Length..] : tail;

    // Today's diffusers names (group_norm, to_q, to_k, to_v, to_out.0) and the older ones (query, key, value, proj_attn).
    private static string VaeAttention(string rest)
    {
        foreach (var (diffusers, ldm) in new[]
        {
            ("group_norm.", "norm."), ("to_q.", "q."), ("to_k.", "k."), ("to_v.", "v."), ("to_out.0.", "proj_out."),
            ("query.", "q."), ("key.", "k."), ("value.", "v."), ("proj_attn.", "proj_out."),
        })
        {
            if (rest.StartsWith(diffusers, StringComparison.Ordinal))
            {
                return ldm + rest[diffusers.Length..];
            }
        }

        return rest;
    }

    private static bool HasUpAttention(ICheckpointTensors file, int level) =>
        file.Tensors.Any(t => t.Name.StartsWith($"up_blocks.{level}.attentions.", StringComparison.Ordinal));

    /// <summary>1 + the largest index group "i" matches among the file's keys (0 when none does).</summary>
    private static int CountIndices(ICheckpointTensors file, Regex pattern) =>
        file.Tensors.Select(t => pattern.Match(t.Name)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups["i"].Value, CultureInfo.InvariantCulture) + 1).DefaultIfEmpty(0).Max();

    [GeneratedRegex(@"^down_blocks\.0\.resnets\.(?<i>\d+)\.")]
    private static partial Regex ResnetOfDownBlock0();

    [GeneratedRegex(@"^decoder\.up_blocks\.(?<i>\d+)\.")]
    private static partial Regex DecoderUpBlock();

    [GeneratedRegex(@"^(?<part>down_blocks|up_blocks)\.(?<level>\d+)\.(?<kind>resnets|attentions|downsamplers|upsamplers)\.(?<j>\d+)\.(?<rest>.+)$")]
    private static partial Regex UNetBlock();

    [GeneratedRegex(@"^(?<side>encoder|decoder)\.(?<rest>.+)$")]
    private static partial Regex VaeKey();

    [GeneratedRegex(@"^(?:down_blocks|up_blocks)\.(?<level>\d+)\.(?<kind>resnets|downsamplers|upsamplers)\.(?<j>\d+)\.(?<tail>.+)$")]
    private static partial Regex VaeBlock();
}
