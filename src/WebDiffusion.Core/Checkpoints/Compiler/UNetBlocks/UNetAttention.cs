using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Checkpoints.Compiler.UNetBlocks;

/// <summary>
/// ldm's <c>CrossAttention</c>: q from x, k and v from the context (x itself for self-attention), all without bias;
/// softmax(q·kᵀ / √d_head) · v over <c>heads</c> heads, then <c>to_out.0</c> (linear with bias). Written as plain operators, or
/// as ORT's <c>com.microsoft</c> <c>MultiHeadAttention</c> when <see cref="UNetCompileOptions.FusedAttention"/> is set.
/// </summary>
internal static class UNetAttention
{
    private const string MicrosoftDomain = "com.microsoft";

    /// <summary>The attention at <paramref name="key"/> (e.g. <c>...transformer_blocks.0.attn2</c>) of x [b, n, c] over context [b, m, d].</summary>
    public static string Write(UNetGraphContext c, string x, string context, string key, int inner, int heads)
    {
        var g = c.Builder;
        var q = g.Linear(x, key + ".to_q");
        var k = g.Linear(context, key + ".to_k");
        var v = g.Linear(context, key + ".to_v");
        var attended = c.Options.FusedAttention
            ? g.Graph.OpInDomain(MicrosoftDomain, 1, "MultiHeadAttention", [q, k, v], OnnxAttribute.Int("num_heads", heads))
            : g.Attention(q, k, v, heads, inner);
        return g.Linear(attended, key + ".to_out.0");
    }
}
