namespace WebDiffusion.Core.Text.Tokenization;

/// <summary>Supplies the tokenizer used to count and show prompt tokens (the current model's, or CLIP's default).</summary>
public interface IPromptTokenizerSource
{
    /// <summary>The tokenizer to use now.</summary>
    ClipTokenizer Current { get; }
}
