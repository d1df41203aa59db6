using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Checkpoints.Compiler.UNetBlocks;

/// <summary>
/// ldm's <c>SpatialTransformer</c> (attention.py): GroupNorm (32, ε 1e-6), <c>proj_in</c> (1×1 conv, or linear on the tokens
/// for SD 2.x), <c>depth</c> × <c>BasicTransformerBlock</c> over the h·w tokens, <c>proj_out</c>, plus the input.
/// A block is x += attn1(norm1 x) (self), x += attn2(norm2 x, context) (cross), x += ff(norm3 x) with a GEGLU feed-forward.
/// </summary>
internal static class UNetSpatialTransformer
{
    private const float NormEpsilon = 1e-6f;
    private const float LayerNormEpsilon = 1e-5f;

    /// <summary>The transformer at <paramref name="key"/> (e.g. <c>input_blocks.1.1</c>) over <paramref name="x"/> [b, c, h, w].</summary>
    public static string Write(UNetGraphContext c, string x, string key, int channels)
    {
        var g = c.Builder;
        var linear = c.HyperParameters.LinearProjection;
        var h = g.GroupNorm(x, key + ".norm", UNetResBlock.Groups, NormEpsilon);
        if (!linear)
        {
            h = g.Conv2d(h, key + ".proj_in");
        }

        h = g.Op("Transpose", [g.Op("Reshape", h, g.Int64s(0, 0, -1))], OnnxAttribute.Ints("perm", 0, 2, 1));
        if (linear)
        {
            h = g.Linear(h, key + ".proj_in");
        }

        var inner = (int)g.Shape(key + ".proj_in.weight")[0];
        var heads = c.HyperParameters.HeadsFor(channels);
        if (heads <= 0 || inner % heads != 0)
        {
            throw new CheckpointFormatException(g.Tensors.FilePath, g.KeyPrefix + key + ".proj_in.weight",
                $"{inner} attention channels do not split into {heads} heads (num_heads {c.HyperParameters.NumHeads}, num_head_channels {c.HyperParameters.HeadChannels}).");
        }

        for (var d = 0; d < c.HyperParameters.TransformerDepth; d++)
        {
            h = Block(c, h, $"{key}.transformer_blocks.{d}", inner, heads);
        }

        if (linear)
        {
            h = g.Linear(h, key + ".proj_out");
        }

        h = g.Op("Reshape", g.Op("Transpose", [h], OnnxAttribute.Ints("perm", 0, 2, 1)), g.Op("Shape", x));
        if (!linear)
        {
            h = g.Conv2d(h, key + ".proj_out");
        }

        return g.Op("Add", h, x);
    }

    private static string Block(UNetGraphContext c, string x, string key, int inner, int heads)
    {
        var g = c.Builder;
        var n1 = g.LayerNorm(x, key + ".norm1", LayerNormEpsilon);
        x = g.Op("Add", UNetAttention.Write(c, n1, n1, key + ".attn1", inner, heads), x);
        var n2 = g.LayerNorm(x, key + ".norm2", LayerNormEpsilon);
        x = g.Op("Add", UNetAttention.Write(c, n2, c.Context, key + ".attn2", inner, heads), x);
        var n3 = g.LayerNorm(x, key + ".norm3", LayerNormEpsilon);
        return g.Op("Add", FeedForward(g, n3, key + ".ff"), x);
    }

    /// <summary><c>FeedForward</c> with GEGLU: proj to 2·inner, split into value and gate, value · gelu(gate), then <c>net.2</c>.</summary>
    private static string FeedForward(CheckpointGraphBuilder g, string x, string key)
    {
        var projected = g.Linear(x, key + ".net.0.proj");
        var half = g.Shape(key + ".net.0.proj.weight")[0] / 2;
        var axis = g.Int64s(-1);
        var value = g.Op("Slice", projected, g.Int64s(0), g.Int64s(half), axis);
        var gate = g.Op("Slice", projected, g.Int64s(half), g.Int64s(2 * half), axis);
        return g.Linear(g.Op("Mul", value, g.Gelu(gate)), key + ".net.2");
    }
}
