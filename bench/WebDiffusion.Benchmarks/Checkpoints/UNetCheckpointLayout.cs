using System.Globalization;
using WebDiffusion.Core.Checkpoints.Architecture;

namespace WebDiffusion.Benchmarks.Checkpoints;

/// <summary>
/// The tensor names and shapes of an ldm <c>UNetModel</c> (A1111 layout, <c>model.diffusion_model.</c>) with the given
/// hyper-parameters, in the order the blocks come: what a generated checkpoint must hold for the compiler.
/// </summary>
public static class UNetCheckpointLayout
{
    public const string Prefix = "model.diffusion_model.";

    /// <summary>Every tensor (full name, shape).</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Tensors(UNetHyperParameters hp)
    {
        ArgumentNullException.ThrowIfNull(hp);
        var list = new CheckpointLayoutList(Prefix);
        long m = hp.ModelChannels;
        var emb = 4 * m;
        Linear(list, "time_embed.0", m, emb);
        Linear(list, "time_embed.2", emb, emb);
        Conv(list, "input_blocks.0.0", hp.InChannels, m, 3);
        var skips = new Stack<long>();
        skips.Push(m);
        var ch = m;
        var block = 1;
        for (var level = 0; level < hp.Levels; level++)
        {
            var outCh = m * hp.ChannelMult[level];
            for (var r = 0; r < hp.NumResBlocks; r++, block++)
            {
                ResBlock(list, $"input_blocks.{I(block)}.0", ch, outCh, emb);
                ch = outCh;
                if (hp.AttentionLevels[level])
                {
                    Transformer(list, $"input_blocks.{I(block)}.1", ch, hp);
                }

                skips.Push(ch);
            }

            if (level != hp.Levels - 1)
            {
                Conv(list, $"input_blocks.{I(block)}.0.op", ch, ch, 3);
                skips.Push(ch);
                block++;
            }
        }

        ResBlock(list, "middle_block.0", ch, ch, emb);
        Transformer(list, "middle_block.1", ch, hp);
        ResBlock(list, "middle_block.2", ch, ch, emb);
        block = 0;
        for (var level = hp.Levels - 1; level >= 0; level--)
        {
            var outCh = m * hp.ChannelMult[level];
            for (var r = 0; r <= hp.NumResBlocks; r++, block++)
            {
                ResBlock(list, $"output_blocks.{I(block)}.0", ch + skips.Pop(), outCh, emb);
                ch = outCh;
                var layer = 1;
                if (hp.AttentionLevels[level])
                {
                    Transformer(list, $"output_blocks.{I(block)}.{I(layer++)}", ch, hp);
                }

                if (level > 0 && r == hp.NumResBlocks)
                {
                    Conv(list, $"output_blocks.{I(block)}.{I(layer)}.conv", ch, ch, 3);
                }
            }
        }

        Norm(list, "out.0", ch);
        Conv(list, "out.2", ch, hp.OutChannels, 3);
        return list.Tensors;
    }

    private static void ResBlock(CheckpointLayoutList list, string key, long inCh, long outCh, long emb)
    {
        Norm(list, key + ".in_layers.0", inCh);
        Conv(list, key + ".in_layers.2", inCh, outCh, 3);
        Linear(list, key + ".emb_layers.1", emb, outCh);
        Norm(list, key + ".out_layers.0", outCh);
        Conv(list, key + ".out_layers.3", outCh, outCh, 3);
        if (inCh != outCh)
        {
            Conv(list, key + ".skip_connection", inCh, outCh, 1);
        }
    }

    private static void Transformer(CheckpointLayoutList list, string key, long ch, UNetHyperParameters hp)
    {
        Norm(list, key + ".norm", ch);
        Projection(list, key + ".proj_in", ch, hp.LinearProjection);
        for (var d = 0; d < hp.TransformerDepth; d++)
        {
            var b = $"{key}.transformer_blocks.{I(d)}";
            Attention(list, b + ".attn1", ch, ch);
            Attention(list, b + ".attn2", ch, hp.ContextDim);
            Linear(list, b + ".ff.net.0.proj", ch, 8 * ch);
            Linear(list, b + ".ff.net.2", 4 * ch, ch);
            Norm(list, b + ".norm1", ch);
            Norm(list, b + ".norm2", ch);
            Norm(list, b + ".norm3", ch);
        }

        Projection(list, key + ".proj_out", ch, hp.LinearProjection);
    }

    private static void Attention(CheckpointLayoutList list, string key, long ch, long contextDim)
    {
        list.Add(key + ".to_q.weight", ch, ch);
        list.Add(key + ".to_k.weight", ch, contextDim);
        list.Add(key + ".to_v.weight", ch, contextDim);
        Linear(list, key + ".to_out.0", ch, ch);
    }

    private static void Projection(CheckpointLayoutList list, string key, long ch, bool linear)
    {
        if (linear)
        {
            Linear(list, key, ch, ch);
        }
        else
        {
            Conv(list, key, ch, ch, 1);
        }
    }

    private static void Linear(CheckpointLayoutList list, string key, long inF, long outF) => list.Linear(key, inF, outF);

    private static void Conv(CheckpointLayoutList list, string key, long inCh, long outCh, long kernel) => list.Conv(key, inCh, outCh, kernel);

    private static void Norm(CheckpointLayoutList list, string key, long ch) => list.Norm(key, ch);

    private static string I(int i) => i.ToString(CultureInfo.InvariantCulture);
}
