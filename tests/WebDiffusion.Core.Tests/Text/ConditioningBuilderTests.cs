using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Embeddings;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Core.Tests.Text;

public class ConditioningBuilderTests
{
    private const int D = 8;
    private static readonly ClipTokenizer Tokenizer = ClipTokenizer.Default;

    /// <summary>What the fake encoder yields for ids, computed here without the builder.</summary>
    private static double[] RawHidden(int[] ids, int clipSkip = 1)
    {
        var h = new double[77 * D];
        for (var i = 0; i < 77; i++)
        {
            for (var d = 0; d < D; d++)
            {
                h[(i * D) + d] = FakeTextEncoder.Value(ids[i], i, d) + clipSkip;
            }
        }

        return h;
    }

    [Fact]
    public async Task Original_emphasis_weights_rows_then_restores_the_mean()
    {
        var encoder = new FakeTextEncoder(D);
        var builder = new ConditioningBuilder(encoder, Tokenizer);
        var result = await builder.EncodeTextAsync("a (cat:1.5) [dog] sitting");

        var ids = encoder.Calls.Single().Ids;
        var weights = new double[77];
        Array.Fill(weights, 1.0);
        weights[2] = 1.5;
        weights[3] = 1 / 1.1;
        var raw = RawHidden(ids);
        var meanBefore = raw.Average();
        var weighted = raw.Select((v, k) => v * weights[k / D]).ToArray();
        var scale = meanBefore / weighted.Average();
        var actual = result.Hidden.Span;
        for (var k = 0; k < raw.Length; k++)
        {
            Assert.Equal(weighted[k] * scale, actual[k], 1e-4);
        }

        Assert.Equal(meanBefore, actual.ToArray().Average(), 1e-4);
        Assert.Equal(4, result.TokenCount);
    }

    [Fact]
    public async Task No_norm_multiplies_only_and_ignore_leaves_states_alone()
    {
        var noNorm = await new ConditioningBuilder(new FakeTextEncoder(D), Tokenizer, options: new() { Emphasis = EmphasisMode.NoNorm }).EncodeTextAsync("(cat:2)");
        var ignore = await new ConditioningBuilder(new FakeTextEncoder(D), Tokenizer, options: new() { Emphasis = EmphasisMode.Ignore }).EncodeTextAsync("(cat:2)");
        var raw = RawHidden(Tokenizer.EncodeWithSpecialTokens("cat").Concat(Enumerable.Repeat(Tokenizer.EosId, 74)).ToArray());
        for (var k = 0; k < raw.Length; k++)
        {
            Assert.Equal(raw[k] * (k / D == 1 ? 2 : 1), noNorm.Hidden.Span[k], 1e-5);
            Assert.Equal(raw[k], ignore.Hidden.Span[k], 1e-5);
        }
    }

    [Fact]
    public async Task Chunks_are_encoded_in_order_and_concatenated()
    {
        var encoder = new FakeTextEncoder(D);
        var builder = new ConditioningBuilder(encoder, Tokenizer, options: new() { ClipSkip = 2 });
        var result = await builder.EncodeTextAsync("cat BREAK dog BREAK bird");
        Assert.Equal(3, result.ChunkCount);
        Assert.Equal(3 * 77, result.SequenceLength);
        Assert.Equal(3, encoder.Calls.Count);
        Assert.All(encoder.Calls, c => Assert.Equal(2, c.ClipSkip));
        for (var c = 0; c < 3; c++)
        {
            var expected = RawHidden(encoder.Calls[c].Ids, 2);
            var slice = result.Hidden.Span.Slice(c * 77 * D, 77 * D);
            for (var k = 0; k < expected.Length; k++)
            {
                Assert.Equal(expected[k], slice[k], 1e-5);
            }
        }

        Assert.Equal(Tokenizer.TokenToId("dog</w>"), encoder.Calls[1].Ids[1]);
    }

    [Fact]
    public async Task Schedule_encodes_each_distinct_text_once_and_picks_by_step()
    {
        var encoder = new FakeTextEncoder(D);
        var builder = new ConditioningBuilder(encoder, Tokenizer);
        var schedule = await builder.BuildScheduleAsync("a [cat|dog] <lora:x:0.5>", steps: 6);
        Assert.Equal(6, schedule.Entries.Count);
        Assert.Equal(2, encoder.Calls.Count);
        Assert.Same(schedule.Entries[0].Conditioning, schedule.Entries[2].Conditioning);
        Assert.NotSame(schedule.Entries[0].Conditioning, schedule.Entries[1].Conditioning);
        Assert.Equal("a cat ", schedule.Entries[0].Text); // tag removed; the text is not AND-split, so nothing is trimmed

        var edit = await builder.BuildScheduleAsync("a [cat:dog:3]", steps: 10);
        Assert.Same(edit.Entries[0].Conditioning, edit.ForStep(0));
        Assert.Same(edit.Entries[0].Conditioning, edit.ForStep(3));
        Assert.Same(edit.Entries[1].Conditioning, edit.ForStep(4));
        Assert.Same(edit.Entries[1].Conditioning, edit.ForStep(99));
    }

    [Fact]
    public async Task A_text_is_never_split_on_and_so_a_negative_keeps_and_and_its_trailing_weight()
    {
        var encoder = new FakeTextEncoder(D);
        var builder = new ConditioningBuilder(encoder, Tokenizer);
        var schedule = await builder.BuildScheduleAsync("cat AND dog :0.5", 20);

        var entry = Assert.Single(schedule.Entries);
        Assert.Equal("cat AND dog :0.5", entry.Text);
        Assert.Equal(1.0, schedule.Weight);
        var call = Assert.Single(encoder.Calls);
        var expected = Tokenizer.EncodeWithSpecialTokens("cat AND dog :0.5");
        Assert.Equal(expected, call.Ids[..expected.Length]);
        Assert.Equal(Tokenizer.TokenToId("and</w>"), call.Ids[2]);
        Assert.Equal(Tokenizer.EosId, call.Ids[expected.Length]);
    }

    [Fact]
    public async Task Hires_timeline_switches_by_fraction_in_1_to_2_and_counts_integers_across_both_passes()
    {
        var builder = new ConditioningBuilder(new FakeTextEncoder(D), Tokenizer);
        var fraction = await builder.BuildScheduleAsync("a [b:1.5] c", 10, hiresSteps: 10);
        Assert.Equal([(5, "a  c"), (10, "a b c")], fraction.Entries.Select(e => (e.EndStep, e.Text)));

        // 20 first-pass steps, 8 hires steps: integer 23 is hires step 3; the first pass's edits are over by then.
        var integer = await builder.BuildScheduleAsync("[cat:dog:23] [red:blue:5]", 20, hiresSteps: 8);
        Assert.Equal([(3, "cat blue"), (8, "dog blue")], integer.Entries.Select(e => (e.EndStep, e.Text)));
        var firstPass = await builder.BuildScheduleAsync("[cat:dog:23] [red:blue:5]", 20);
        Assert.Equal([(5, "cat red"), (20, "cat blue")], firstPass.Entries.Select(e => (e.EndStep, e.Text)));
    }

    [Fact]
    public async Task Padding_appends_encoded_empty_prompt_chunks()
    {
        var builder = new ConditioningBuilder(new FakeTextEncoder(D), Tokenizer);
        var cond = await builder.EncodeTextAsync(string.Join(' ', Enumerable.Repeat("cat", 100)));
        var uncond = await builder.EncodeTextAsync("blurry");
        var empty = await builder.EncodeTextAsync("");
        var (c, u) = await builder.PadToSameChunkCountAsync(cond, uncond);
        Assert.Same(cond, c);
        Assert.Equal(2, u.ChunkCount);
        Assert.True(u.Hidden.Span[..(77 * D)].SequenceEqual(uncond.Hidden.Span));
        Assert.True(u.Hidden.Span[(77 * D)..].SequenceEqual(empty.Hidden.Span));
    }

    [Fact]
    public async Task Embeddings_are_inserted_and_wrong_widths_are_skipped()
    {
        var good = new TextualInversionEmbedding("zzstyle", Enumerable.Range(0, 2 * D).Select(i => (float)i).ToArray(), 2, D, "good.safetensors");
        var wide = new TextualInversionEmbedding("widething", new float[3], 1, 3, "wide.safetensors");
        var encoder = new FakeTextEncoder(D);
        var builder = new ConditioningBuilder(encoder, Tokenizer, [good, wide], new() { Emphasis = EmphasisMode.Ignore });
        Assert.Equal("widething", Assert.Single(builder.SkippedEmbeddings).Name);
        var result = await builder.EncodeTextAsync("a zzstyle cat");
        var insertion = Assert.Single(encoder.Calls.Single().Insertions);
        Assert.Equal(2, insertion.Position);
        Assert.Equal(100f + D + 3, result.Hidden.Span[(3 * D) + 3]);

        var refusing = new ConditioningBuilder(new FakeTextEncoder(D, supportsInsertion: false), Tokenizer, [good]);
        await Assert.ThrowsAsync<PromptConditioningException>(async () => await refusing.EncodeTextAsync("zzstyle"));
    }

    [Fact]
    public async Task Clip_skip_on_an_encoder_without_it_is_a_clear_error()
    {
        var builder = new ConditioningBuilder(new FakeTextEncoder(D, supportsClipSkip: false), Tokenizer, options: new() { ClipSkip = 2 });
        var ex = await Assert.ThrowsAsync<PromptConditioningException>(async () => await builder.EncodeTextAsync("cat"));
        Assert.Contains("clip skip", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_prompts_complete_with_a_result()
    {
        var builder = new ConditioningBuilder(new FakeTextEncoder(D), Tokenizer);
        var deep = new string('(', 10_000) + "cat" + new string(')', 10_000) + new string('[', 10_000);
        var schedule = await builder.BuildScheduleAsync(deep, 20);
        Assert.Single(schedule.Entries);
        var big = string.Concat(Enumerable.Repeat("(a [b:c:3] [d|e]) ", 5_000));
        Assert.True(big.Length >= 90_000);
        var tokenized = builder.Chunker.Tokenize(big);
        Assert.True(tokenized.Chunks.Count > 100);
    }
}
