namespace WebDiffusion.Core.Text.Tokenization;

/// <summary>
/// A switchable <see cref="IPromptTokenizerSource"/>: <see cref="ClipTokenizer.Default"/> until a model's tokenizer
/// is set with <see cref="Use"/>. Thread-safe.
/// </summary>
public sealed class PromptTokenizerSource : IPromptTokenizerSource
{
    private volatile ClipTokenizer? _current;

    /// <inheritdoc/>
    public ClipTokenizer Current => _current ?? ClipTokenizer.Default;

    /// <summary>Switches to <paramref name="tokenizer"/>; null returns to the default CLIP tokenizer.</summary>
    public void Use(ClipTokenizer? tokenizer) => _current = tokenizer;
}
