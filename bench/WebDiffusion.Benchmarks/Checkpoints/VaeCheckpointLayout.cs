using System.Globalization;

namespace WebDiffusion.Benchmarks.Checkpoints;

/// <summary>
/// The tensor names and shapes of ldm's <c>AutoencoderKL</c> under <c>first_stage_model.</c>; the defaults are SD's VAE
/// (ch 128, ch_mult [1, 2, 4, 4], 2 ResBlocks, attention only in the middle, z 4 channels: 83.7M parameters).
/// </summary>
public static class VaeCheckpointLayout
{
    public const string Prefix = "first_stage_model.";

    /// <summary>Every tensor (full name, shape), encoder first.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Tensors(long ch = 128, int[]? channelMult = null, int resBlocks = 2, long zChannels = 4)
    {
        var mult = channelMult ?? [1, 2, 4, 4];
        var list = new CheckpointLayoutList(Prefix);
        list.Conv("encoder.conv_in", 3, ch, 3);
        var blockIn = ch;
        for (var level = 0; level < mult.Length; level++)
        {
            var blockOut = ch * mult[level];
            for (var b = 0; b < resBlocks; b++)
            {
                ResnetBlock(list, $"encoder.down.{I(level)}.block.{I(b)}", blockIn, blockOut);
                blockIn = blockOut;
            }

            if (level != mult.Length - 1)
            {
                list.Conv($"encoder.down.{I(level)}.downsample.conv", blockIn, blockIn, 3);
            }
        }

        Middle(list, "encoder.mid", blockIn);
        list.Norm("encoder.norm_out", blockIn);
        list.Conv("encoder.conv_out", blockIn, 2 * zChannels, 3);

        blockIn = ch * mult[^1];
        list.Conv("decoder.conv_in", zChannels, blockIn, 3);
        Middle(list, "decoder.mid", blockIn);
        for (var level = mult.Length - 1; level >= 0; level--)
        {
            var blockOut = ch * mult[level];
            for (var b = 0; b <= resBlocks; b++)
            {
                ResnetBlock(list, $"decoder.up.{I(level)}.block.{I(b)}", blockIn, blockOut);
                blockIn = blockOut;
            }

            if (level != 0)
            {
                list.Conv($"decoder.up.{I(level)}.upsample.conv", blockIn, blockIn, 3);
            }
        }

        list.Norm("decoder.norm_out", blockIn);
        list.Conv("decoder.conv_out", blockIn, 3, 3);
        list.Conv("quant_conv", 2 * zChannels, 2 * zChannels, 1);
        list.Conv("post_quant_conv", zChannels, zChannels, 1);
        return list.Tensors;
    }

    private static void ResnetBlock(CheckpointLayoutList list, string key, long inCh, long outCh)
    {
        list.Norm(key + ".norm1", inCh);
        list.Conv(key + ".conv1", inCh, outCh, 3);
        list.Norm(key + ".norm2", outCh);
        list.Conv(key + ".conv2", outCh, outCh, 3);
        if (inCh != outCh)
        {
            list.Conv(key + ".nin_shortcut", inCh, outCh, 1);
        }
    }

    private static void Middle(CheckpointLayoutList list, string key, long ch)
    {
        ResnetBlock(list, key + ".block_1", ch, ch);
        list.Norm(key + ".attn_1.norm", ch);
        foreach (var conv in new[] { "q", "k", "v", "proj_out" })
        {
            list.Conv($"{key}.attn_1.{conv}", ch, ch, 1);
        }

        ResnetBlock(list, key + ".block_2", ch, ch);
    }

    private static string I(int i) => i.ToString(CultureInfo.InvariantCulture);
}
