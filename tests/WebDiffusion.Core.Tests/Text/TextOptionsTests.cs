using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Embeddings;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Tests.Text;

/// <summary>Emphasis names, the text encoder's features, and finding embeddings in a prompt.</summary>
public class TextOptionsTests
{
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.Default;

    [Theory]
    [InlineData("Original", EmphasisMode.Original)]
    [InlineData("No norm", EmphasisMode.NoNorm)]
    [InlineData("Ignore", EmphasisMode.Ignore)]
    [InlineData("None", EmphasisMode.None)]
    public void Emphasis_names_round_trip(string name, EmphasisMode mode)
    {
        Assert.Equal(mode, EmphasisModeNames.Parse(name));
        Assert.Equal(name, EmphasisModeNames.Name(mode));
    }

    [Fact]
    public void Emphasis_infotext_only_for_non_original_modes_with_brackets_in_any_prompt()
    {
        Assert.Null(EmphasisModeNames.Parse("no norm"));
        Assert.Null(EmphasisModeNames.Infotext(EmphasisMode.Original, "a (cat)"));
        Assert.Null(EmphasisModeNames.Infotext(EmphasisMode.NoNorm, "a cat", "blurry", null));
        Assert.Equal("No norm", EmphasisModeNames.Infotext(EmphasisMode.NoNorm, "a cat", "[blurry]"));
        Assert.Equal("Ignore", EmphasisModeNames.Infotext(EmphasisMode.Ignore, "(cat"));
    }

    private static OnnxValueSignature Value(string name) => new(name, TensorElementType.Float, [], HasShape: false);

    [Fact]
    public void Features_read_hidden_state_outputs_and_inputs_embeds_from_the_signature()
    {
        var diffusers = new OnnxModelSignature([Value("input_ids")], [Value("last_hidden_state"), Value("pooler_output")], [], 8, 14, "pytorch");
        var optimum = new OnnxModelSignature(
            [Value("input_ids"), Value("inputs_embeds")],
            [Value("last_hidden_state"), Value("pooler_output"), .. Enumerable.Range(0, 13).Select(i => Value($"hidden_states.{i}"))],
            [], 8, 14, "pytorch");

        var plain = TextEncoderFeatures.From(diffusers);
        Assert.Equal(new TextEncoderFeatures(0, false), plain);
        Assert.Contains("no hidden-state outputs", plain.ClipSkipRefusal, StringComparison.Ordinal);
        Assert.Contains("no inputs_embeds input", plain.EmbeddingRefusal, StringComparison.Ordinal);

        var rich = TextEncoderFeatures.From(optimum);
        Assert.Equal(new TextEncoderFeatures(13, true), rich);
        Assert.Contains("final layer norm", rich.ClipSkipRefusal, StringComparison.Ordinal);
        Assert.False(rich.SupportsClipSkip);
    }

    [Fact]
    public void Embedding_use_is_found_per_and_part_and_schedule_variant_and_not_for_other_widths()
    {
        var style = new TextualInversionEmbedding("zzstyle", new float[2 * 8], 2, 8);
        var wide = new TextualInversionEmbedding("zzwide", new float[1 * 16], 1, 16);
        var chunker = ConditioningBuilder.CreateChunker(Tokenizer, [style, wide], hiddenSize: 8);

        Assert.Equal(["zzstyle"], PromptEmbeddingUse.Find(chunker, "a cat AND [dog:zzstyle:5]", 10, null, composable: true));
        Assert.Empty(PromptEmbeddingUse.Find(chunker, "a [dog:zzstyle:50]", 10, null, composable: true)); // never reached in 10 steps
        Assert.Empty(PromptEmbeddingUse.Find(chunker, "zzwide", 10, null, composable: false)); // 16 wide: skipped, plain text
        Assert.Equal(["zzstyle"], PromptEmbeddingUse.Find(chunker, "<lora:x:1> zzstyle AND x", 10, null, composable: false));

        var anyWidth = ConditioningBuilder.CreateChunker(Tokenizer, [style, wide], hiddenSize: 0);
        Assert.Equal(["zzwide"], PromptEmbeddingUse.Find(anyWidth, "zzwide", 10, null, composable: false));
    }

    [Fact]
    public void Created_chunker_applies_emphasis_none_and_backtrack_like_the_builder()
    {
        var options = new ConditioningOptions { Emphasis = EmphasisMode.None, CommaPaddingBacktrack = 0 };
        var chunker = ConditioningBuilder.CreateChunker(Tokenizer, null, 768, options);
        var literal = chunker.Tokenize("(cat:1.5)");
        Assert.Equal(Tokenizer.Encode("(cat:1.5)"), literal.Chunks[0].Ids[1..(1 + literal.TokenCount)]);
        Assert.All(literal.Chunks[0].Weights, w => Assert.Equal(1f, w));

        var prompt = string.Join(' ', Enumerable.Repeat("house", 70)) + ", " + string.Join(' ', Enumerable.Repeat("tree", 10));
        Assert.Equal(75, chunker.Tokenize(prompt).Chunks[0].TokenCount);
        Assert.Equal(71, ConditioningBuilder.CreateChunker(Tokenizer, null, 768).Tokenize(prompt).Chunks[0].TokenCount);
    }
}
