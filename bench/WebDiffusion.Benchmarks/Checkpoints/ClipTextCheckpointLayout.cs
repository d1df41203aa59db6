using System.Globalization;

namespace WebDiffusion.Benchmarks.Checkpoints;

/// <summary>
/// The tensor names and shapes of SD 1.x's text encoder as A1111 checkpoints store it (transformers' <c>CLIPTextModel</c>
/// under <c>cond_stage_model.transformer.text_model.</c>); the defaults are CLIP ViT-L/14's (123M parameters).
/// </summary>
public static class ClipTextCheckpointLayout
{
    public const string Prefix = "cond_stage_model.transformer.text_model.";

    /// <summary>Every tensor (full name, shape); <c>position_ids</c> (an int64 buffer) is left out.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> Tensors(long width = 768, int layers = 12, long vocabulary = 49408, long positions = 77)
    {
        var list = new CheckpointLayoutList(Prefix);
        list.Add("embeddings.token_embedding.weight", vocabulary, width);
        list.Add("embeddings.position_embedding.weight", positions, width);
        for (var i = 0; i < layers; i++)
        {
            var layer = "encoder.layers." + i.ToString(CultureInfo.InvariantCulture);
            foreach (var projection in new[] { "k_proj", "v_proj", "q_proj", "out_proj" })
            {
                list.Linear($"{layer}.self_attn.{projection}", width, width);
            }

            list.Norm(layer + ".layer_norm1", width);
            list.Linear(layer + ".mlp.fc1", width, 4 * width);
            list.Linear(layer + ".mlp.fc2", 4 * width, width);
            list.Norm(layer + ".layer_norm2", width);
        }

        list.Norm("final_layer_norm", width);
        return list.Tensors;
    }
}
