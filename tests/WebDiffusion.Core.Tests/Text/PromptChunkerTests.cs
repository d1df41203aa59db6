using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Embeddings;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Core.Tests.Text;

public class PromptChunkerTests
{
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.Default;
    private static readonly int Cat = Tokenizer.TokenToId("cat</w>");
    private static readonly int Dog = Tokenizer.TokenToId("dog</w>");
    private static readonly int Comma = Tokenizer.TokenToId(",</w>");

    private static string Cats(int n) => string.Join(' ', Enumerable.Repeat("cat", n));

    private static int[] Content(PromptChunk chunk) => chunk.Ids.Skip(1).Take(chunk.TokenCount).ToArray();

    [Theory]
    [InlineData(74, 1)]
    [InlineData(75, 1)]
    [InlineData(76, 2)]
    [InlineData(150, 2)]
    [InlineData(151, 3)]
    public void Chunk_count_around_the_75_token_boundary(int tokens, int chunks)
    {
        var result = new PromptChunker(Tokenizer).Tokenize(Cats(tokens));
        Assert.Equal(chunks, result.Chunks.Count);
        Assert.Equal(tokens, result.TokenCount);
        foreach (var chunk in result.Chunks)
        {
            Assert.Equal(77, chunk.Ids.Length);
            Assert.Equal(Tokenizer.BosId, chunk.Ids[0]);
            Assert.Equal(Tokenizer.EosId, chunk.Ids[76]);
            Assert.All(chunk.Ids.Skip(1 + chunk.TokenCount), id => Assert.Equal(Tokenizer.EosId, id));
        }

        Assert.Equal(Enumerable.Repeat(Cat, tokens), result.Chunks.SelectMany(Content));
    }

    [Fact]
    public void Empty_prompt_is_one_padded_chunk()
    {
        var result = new PromptChunker(Tokenizer).Tokenize("");
        var chunk = Assert.Single(result.Chunks);
        Assert.Equal(0, result.TokenCount);
        Assert.Equal([Tokenizer.BosId, .. Enumerable.Repeat(Tokenizer.EosId, 76)], chunk.Ids);
        Assert.All(chunk.Weights, w => Assert.Equal(1f, w));
    }

    [Theory]
    [InlineData(60, true)] // comma at index 60, 15 tokens after it: within 20 → moved
    [InlineData(55, true)] // 20 tokens after → still moved (≤ 20)
    [InlineData(54, false)] // 21 tokens after → not moved
    public void Comma_backtracking_moves_the_tail_when_the_comma_is_close(int catsBeforeComma, bool moved)
    {
        var after = 75 - catsBeforeComma - 1;
        var prompt = Cats(catsBeforeComma) + ", " + string.Join(' ', Enumerable.Repeat("dog", after + 5));
        var result = new PromptChunker(Tokenizer).Tokenize(prompt);
        Assert.Equal(2, result.Chunks.Count);
        var first = Content(result.Chunks[0]);
        if (moved)
        {
            Assert.Equal(catsBeforeComma + 1, first.Length);
            Assert.Equal(Comma, first[^1]);
            Assert.Equal(Enumerable.Repeat(Dog, after + 5), Content(result.Chunks[1]));
        }
        else
        {
            Assert.Equal(75, first.Length);
            Assert.Equal(5, result.Chunks[1].TokenCount);
        }

        Assert.Equal(75 + 5, result.TokenCount);
    }

    [Fact]
    public void Backtracking_can_be_disabled()
    {
        var prompt = Cats(70) + ", " + string.Join(' ', Enumerable.Repeat("dog", 10));
        var result = new PromptChunker(Tokenizer, commaPaddingBacktrack: 0).Tokenize(prompt);
        Assert.Equal(75, result.Chunks[0].TokenCount);
    }

    [Fact]
    public void Break_starts_a_new_chunk_and_keeps_weights()
    {
        var result = new PromptChunker(Tokenizer).Tokenize("(cat) BREAK [dog]");
        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal([Cat], Content(result.Chunks[0]));
        Assert.Equal([Dog], Content(result.Chunks[1]));
        Assert.Equal(1.1f, result.Chunks[0].Weights[1], 1e-6f);
        Assert.Equal((float)(1 / 1.1), result.Chunks[1].Weights[1], 1e-6f);
        Assert.Equal(1f, result.Chunks[0].Weights[0]);
        Assert.Equal(1f, result.Chunks[0].Weights[2]);
    }

    [Fact]
    public void Leading_break_gives_an_empty_first_chunk_as_in_a1111()
    {
        var result = new PromptChunker(Tokenizer).Tokenize("BREAK cat");
        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal(0, result.Chunks[0].TokenCount);
    }

    [Fact]
    public void Sd2_pad_id_fills_after_the_first_eos()
    {
        var result = new PromptChunker(Tokenizer.WithPadId(0)).Tokenize("cat dog");
        var ids = result.Chunks[0].Ids;
        Assert.Equal([Tokenizer.BosId, Cat, Dog, Tokenizer.EosId], ids[..4]);
        Assert.All(ids[4..], id => Assert.Equal(0, id));
    }

    [Fact]
    public void Emphasis_none_keeps_brackets_as_text()
    {
        var result = new PromptChunker(Tokenizer, emphasis: EmphasisMode.None).Tokenize("(cat)");
        Assert.Equal(Tokenizer.Encode("(cat)"), Content(result.Chunks[0]));
        Assert.All(result.Chunks[0].Weights, w => Assert.Equal(1f, w));
    }

    [Fact]
    public void Embedding_trigger_is_matched_longest_first_and_never_straddles()
    {
        var small = new TextualInversionEmbedding("my", new float[2 * 4], 2, 4);
        var big = new TextualInversionEmbedding("my-style", new float[3 * 4], 3, 4);
        var chunker = new PromptChunker(Tokenizer, [small, big]);

        var result = chunker.Tokenize("a (my-style) cat");
        var chunk = result.Chunks[0];
        var insertion = Assert.Single(chunk.Insertions);
        Assert.Same(big, insertion.Embedding);
        Assert.Equal(2, insertion.Position);
        Assert.Equal([0, 0, 0], chunk.Ids[2..5]);
        Assert.All(chunk.Weights[2..5], w => Assert.Equal(1.1f, w, 1e-6f));
        Assert.Equal(Cat, chunk.Ids[5]);
        Assert.Equal(5, result.TokenCount);

        var straddle = chunker.Tokenize(Cats(74) + " my-style");
        Assert.Equal(2, straddle.Chunks.Count);
        Assert.Equal(74, straddle.Chunks[0].TokenCount);
        Assert.Equal(1, Assert.Single(straddle.Chunks[1].Insertions).Position);
    }

    [Fact]
    public void Comma_backtracking_moves_embeddings_with_their_words()
    {
        var emb = new TextualInversionEmbedding("zzstyle", new float[2 * 4], 2, 4);
        var result = new PromptChunker(Tokenizer, [emb]).Tokenize(Cats(65) + ", zzstyle " + Cats(20));
        Assert.Equal(66, result.Chunks[0].TokenCount);
        Assert.Empty(result.Chunks[0].Insertions);
        Assert.Equal(1, Assert.Single(result.Chunks[1].Insertions).Position);
    }

    [Fact]
    public void Absurd_weights_are_clamped_to_stay_finite()
    {
        var result = new PromptChunker(Tokenizer).Tokenize(new string('(', 10_000) + "cat" + new string('[', 10_000) + "dog");
        Assert.Equal(PromptChunker.MaxWeight, result.Chunks[0].Weights[1]);
        Assert.All(result.Chunks[0].Weights, w => Assert.True(float.IsFinite(w)));
    }
}
