using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Core.Models;

/// <summary>
/// The tokenizer a model uses: a diffusers folder's own <c>tokenizer/</c>; for a checkpoint, which carries none, the CLIP
/// tokenizer A1111 uses — the embedded OpenAI CLIP vocabulary, padded with the end token for SD 1.x and with id 0 for
/// SD 2.x (A1111's <c>FrozenOpenCLIPEmbedderWithCustomWords</c>).
/// </summary>
public static class ModelTokenizers
{
    /// <summary>Loads the tokenizer of <paramref name="model"/>.</summary>
    /// <exception cref="TokenizerFormatException">A folder's tokenizer files are malformed.</exception>
    public static ClipTokenizer For(ModelDescription model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Source != ModelSourceKind.Checkpoint)
        {
            return ClipTokenizer.FromDirectory(Path.Combine(model.Folder, ModelComponents.Tokenizer));
        }

        return model.Architecture?.Family == CheckpointFamily.StableDiffusion2 ? ClipTokenizer.Default.WithPadId(0) : ClipTokenizer.Default;
    }
}
