using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.ModelKit;

/// <summary>
/// A CLIP-shaped text encoder: token embedding over the real 49408-id vocabulary, position embedding,
/// one pre-norm MLP block with CLIP's quick-GELU, a final LayerNorm, and a mean-pooled <c>pooler_output</c>.
/// </summary>
internal static class TinyTextEncoderGraph
{
    public static void Write(string path, bool half, bool int64Ids, int seed)
    {
        const int H = TinyModelWriter.TextHiddenSize;
        var g = new TinyGraph("text_encoder", half, seed);
        g.Builder.Input("input_ids", int64Ids ? TensorElementType.Int64 : TensorElementType.Int32, "batch", TinyModelWriter.TokenCount);
        var tokens = g.RandomWeight("token_embedding", 0.5f, TinyModelWriter.VocabularySize, H);
        var positions = g.RandomWeight("position_embedding", 0.1f, TinyModelWriter.TokenCount, H);
        var x = g.Op("Add", g.Op("Gather", [tokens, "input_ids"], OnnxAttribute.Int("axis", 0)), positions);

        var mlp = g.Linear(g.LayerNorm(x, "ln1", H), "fc1", H, 2 * H);
        mlp = g.Op("Mul", mlp, g.Op("Sigmoid", g.Op("Mul", mlp, g.Floats([1.702f]))));
        x = g.Op("Add", x, g.Linear(mlp, "fc2", 2 * H, H));
        var hidden = g.LayerNorm(x, "final_ln", H);

        g.FloatOutput(hidden, "last_hidden_state", "batch", TinyModelWriter.TokenCount, H);
        var pooled = g.Op("ReduceMean", [hidden], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0));
        g.FloatOutput(pooled, "pooler_output", "batch", H);
        g.Builder.Save(path);
    }
}
