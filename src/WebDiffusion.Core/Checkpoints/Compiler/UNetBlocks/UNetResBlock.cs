namespace WebDiffusion.Core.Checkpoints.Compiler.UNetBlocks;

/// <summary>
/// ldm's <c>ResBlock</c> (openaimodel.py, no scale-shift norm, no up/down): <c>in_layers</c> (GroupNorm 32, SiLU, 3×3 conv),
/// plus <c>emb_layers</c> (SiLU, linear) broadcast as [b, c, 1, 1], <c>out_layers</c> (GroupNorm 32, SiLU, dropout, 3×3 conv),
/// added to the input or to its 1×1 <c>skip_connection</c> when the channel count changes.
/// </summary>
internal static class UNetResBlock
{
    /// <summary>ldm's <c>normalization()</c>: GroupNorm32 with 32 groups and torch's default epsilon.</summary>
    public const int Groups = 32;

    /// <summary>The epsilon of <c>GroupNorm32</c>.</summary>
    public const float Epsilon = 1e-5f;

    /// <summary>The block at <paramref name="key"/> (e.g. <c>input_blocks.1.0</c>) over <paramref name="x"/> [b, c, h, w].</summary>
    public static string Write(UNetGraphContext c, string x, string key)
    {
        var g = c.Builder;
        var h = g.Conv2d(g.Silu(g.GroupNorm(x, key + ".in_layers.0", Groups, Epsilon)), key + ".in_layers.2");
        var emb = g.Op("Reshape", g.Linear(c.EmbeddingSilu, key + ".emb_layers.1"), g.Int64s(0, -1, 1, 1));
        h = g.Op("Add", h, emb);
        h = g.Conv2d(g.Silu(g.GroupNorm(h, key + ".out_layers.0", Groups, Epsilon)), key + ".out_layers.3");
        var skip = g.Has(key + ".skip_connection.weight") ? g.Conv2d(x, key + ".skip_connection") : x;
        return g.Op("Add", skip, h);
    }
}
