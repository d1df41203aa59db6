using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.ModelKit;

/// <summary>
/// A unet-shaped denoiser: conv_in, a sinusoidal timestep embedding added to the features, GroupNorm + SiLU,
/// one cross-attention block (Q from the image features, K and V from <c>encoder_hidden_states</c>, Softmax),
/// and conv_out back to 4 channels. Timestep and text really change the output.
/// </summary>
internal static class TinyUNetGraph
{
    private const int Features = 16;
    private const int Groups = 4;

    public static void Write(string path, TinyUNetOptions options, int seed)
    {
        const int H = TinyModelWriter.TextHiddenSize;
        var g = new TinyGraph("unet", options.Half, seed);
        var sample = g.FloatInput("sample", "batch", options.InChannels, "height", "width");
        var t = TimestepInput(g, options.Timestep);
        var context = g.FloatInput("encoder_hidden_states", "batch", "sequence", H);

        // Timestep embedding: [n, 1] · freqs → sin ‖ cos → MLP → [n, F, 1, 1] (n is 1 or batch).
        var half = Features / 2;
        var freqs = Enumerable.Range(0, half).Select(i => MathF.Exp(-MathF.Log(10000f) * i / half)).ToArray();
        var angles = g.Op("Mul", g.Op("Reshape", t, g.Int64s(-1, 1)), g.Floats(freqs, 1, half));
        var emb = g.Op("Concat", [g.Op("Sin", angles), g.Op("Cos", angles)], OnnxAttribute.Int("axis", 1));
        emb = g.Linear(g.Silu(g.Linear(emb, "time_embedding.linear_1", Features, Features)), "time_embedding.linear_2", Features, Features);
        emb = g.Op("Reshape", emb, g.Int64s(-1, Features, 1, 1));

        var h = g.Conv(sample, "conv_in", options.InChannels, Features, 3);
        h = g.Op("Add", h, emb);
        h = g.Silu(g.GroupNorm(h, "norm1", Features, Groups));

        // Cross-attention over the text tokens.
        var x = g.Op("Transpose", [g.Op("Reshape", h, g.Int64s(0, Features, -1))], OnnxAttribute.Ints("perm", 0, 2, 1));
        var q = g.Linear(x, "attn.to_q", Features, Features, bias: false);
        var k = g.Linear(context, "attn.to_k", H, Features, bias: false);
        var v = g.Linear(context, "attn.to_v", H, Features, bias: false);
        var kT = g.Op("Transpose", [k], OnnxAttribute.Ints("perm", 0, 2, 1));
        var scores = g.Op("Mul", g.Op("MatMul", q, kT), g.Floats([1f / MathF.Sqrt(Features)]));
        var attention = g.Op("MatMul", g.Op("Softmax", [scores], OnnxAttribute.Int("axis", -1)), v);
        var projected = g.Linear(attention, "attn.to_out", Features, Features);
        var back = g.Op("Reshape", g.Op("Transpose", [projected], OnnxAttribute.Ints("perm", 0, 2, 1)), g.Op("Shape", h));
        h = g.Op("Add", h, back);

        h = g.Silu(g.GroupNorm(h, "norm_out", Features, Groups));
        var output = g.Conv(h, "conv_out", Features, 4, 3);
        g.FloatOutput(output, "out_sample", "batch", 4, "height", "width");
        g.Builder.Save(path, options.ExternalWeightsFile is null ? long.MaxValue : 1024, options.ExternalWeightsFile ?? "weights.pb");
    }

    /// <summary>Declares <c>timestep</c> in its variant's dtype and shape and returns a float32 value of it.</summary>
    internal static string TimestepInput(TinyGraph g, TimestepKind kind)
    {
        switch (kind)
        {
            case TimestepKind.Int64One:
                g.Builder.Input("timestep", TensorElementType.Int64, 1);
                return g.Cast("timestep", TensorElementType.Float);
            case TimestepKind.FloatScalar:
                g.Builder.Input("timestep", TensorElementType.Float);
                return "timestep";
            case TimestepKind.Float16Batch:
                g.Builder.Input("timestep", TensorElementType.Float16, "batch");
                return g.Cast("timestep", TensorElementType.Float);
            default:
                g.Builder.Input("timestep", TensorElementType.Float, "batch");
                return "timestep";
        }
    }
}
