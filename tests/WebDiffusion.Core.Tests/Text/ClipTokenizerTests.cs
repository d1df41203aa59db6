using System.Text;
using System.Text.Json;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Core.Tests.Text;

public class ClipTokenizerTests
{
    private static readonly ClipTokenizer FromHfFiles =
        ClipTokenizer.FromFiles(SharedTestData.File("clip", "vocab.json"), SharedTestData.File("clip", "merges.txt"));

    public static TheoryData<string, int[]> PublishedPairs()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedTestData.File("clip", "token_pairs.json")));
        var data = new TheoryData<string, int[]>();
        foreach (var pair in doc.RootElement.GetProperty("pairs").EnumerateArray())
        {
            data.Add(pair.GetProperty("text").GetString()!, pair.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PublishedPairs))]
    public void Published_pairs_match_with_hf_files(string text, int[] ids) =>
        Assert.Equal(ids, FromHfFiles.EncodeWithSpecialTokens(text));

    [Theory]
    [MemberData(nameof(PublishedPairs))]
    public void Published_pairs_match_with_embedded_default(string text, int[] ids) =>
        Assert.Equal(ids, ClipTokenizer.Default.EncodeWithSpecialTokens(text));

    [Theory]
    [InlineData("<|endoftext|>", new[] { 49406, 49407, 49407 })]
    [InlineData("text with <|startoftext|> in the middle", new[] { 49406, 4160, 593, 49406, 530, 518, 3694, 49407 })]
    [InlineData("日本の石灯籠", new[] { 49406, 39121, 44353, 21575, 163, 253, 111, 163, 223, 107, 163, 109, 510, 49407 })]
    [InlineData("2025", new[] { 49406, 273, 271, 273, 276, 49407 })]
    public void Pitfalls_follow_openai_and_hf_as_a1111_uses_them(string text, int[] ids) =>
        Assert.Equal(ids, ClipTokenizer.Default.EncodeWithSpecialTokens(text));

    [Fact]
    public void Default_knows_the_clip_special_ids()
    {
        var t = ClipTokenizer.Default;
        Assert.Equal(49406, t.BosId);
        Assert.Equal(49407, t.EosId);
        Assert.Equal(49407, t.PadId);
        Assert.Equal(49408, t.VocabularySize);
        Assert.Equal(ReferenceClipBpe.Instance.Vocab[",</w>"], t.CommaId);
        Assert.Equal(0, t.WithPadId(0).PadId);
        Assert.Same(ClipTokenizer.Default, ClipTokenizer.Default);
    }

    [Fact]
    public void WriteHuggingFaceFiles_reproduces_the_reference_files_byte_for_byte()
    {
        var folder = Path.Combine(Path.GetTempPath(), "wd-tok-" + Guid.NewGuid().ToString("N"));
        try
        {
            ClipTokenizer.Default.WriteHuggingFaceFiles(folder);
            Assert.Equal(File.ReadAllBytes(SharedTestData.File("clip", "vocab.json")), File.ReadAllBytes(Path.Combine(folder, "vocab.json")));
            Assert.Equal(File.ReadAllBytes(SharedTestData.File("clip", "merges.txt")), File.ReadAllBytes(Path.Combine(folder, "merges.txt")));

            var reloaded = ClipTokenizer.FromDirectory(folder);
            Assert.Equal(ClipTokenizer.Default.Encode("a photo of an astronaut riding a horse"), reloaded.Encode("a photo of an astronaut riding a horse"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FromDirectory_reads_the_sd2_pad_token()
    {
        var folder = Path.Combine(Path.GetTempPath(), "wd-tok-" + Guid.NewGuid().ToString("N"));
        try
        {
            ClipTokenizer.Default.WriteHuggingFaceFiles(folder);
            File.WriteAllText(Path.Combine(folder, "special_tokens_map.json"), """{"pad_token": {"content": "!", "lstrip": false}}""");
            Assert.Equal(0, ClipTokenizer.FromDirectory(folder).PadId);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Missing_or_broken_files_give_a_typed_error_naming_the_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), "wd-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var missing = Assert.Throws<TokenizerFormatException>(() => ClipTokenizer.FromDirectory(folder));
            Assert.Contains("vocab.json", missing.Message, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(folder, "vocab.json"), "[1,2]");
            File.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\n");
            Assert.Throws<TokenizerFormatException>(() => ClipTokenizer.FromDirectory(folder));

            using var notGzip = new MemoryStream(Encoding.UTF8.GetBytes("plain text"));
            Assert.Throws<TokenizerFormatException>(() => ClipTokenizer.FromClipMergeList(notGzip));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("it's", new[] { "it", "'s" })]
    [InlineData("we'll they're i'm you've he'd can't", new[] { "we", "'ll", "they", "'re", "i", "'m", "you", "'ve", "he", "'d", "can", "'t" })]
    [InlineData("''s", new[] { "''", "s" })]
    [InlineData("rock'n'roll", new[] { "rock", "'", "n", "'", "roll" })]
    [InlineData("x9y", new[] { "x", "9", "y" })]
    [InlineData("a\U0001D400b c", new[] { "a\U0001D400b", "c" })]
    [InlineData("!!!<|endoftext|>", new[] { "!!!<|", "endoftext", "|>" })]
    [InlineData("Ünïcödé ÀÉÎ", new[] { "ünïcödé", "àéî" })]
    public void Words_split_as_the_clip_regex_and_merge_as_reference_bpe(string text, string[] words)
    {
        var expected = words.SelectMany(ReferenceClipBpe.Instance.EncodeWord).ToArray();
        Assert.Equal(expected, ClipTokenizer.Default.Encode(text));
    }

    [Theory]
    [InlineData("&amp;", "&")]
    [InlineData("&amp;amp;", "&")]
    [InlineData("fish &amp;&amp; chips &lt;3", "fish && chips <3")]
    [InlineData("caf&#233;", "café")]
    [InlineData("A\u00A0B\u2003C\tD\r\nE", "a b c d e")]
    public void Cleanup_unescapes_html_twice_and_collapses_whitespace(string raw, string equivalent)
    {
        Assert.Equal(ClipTokenizer.Default.Encode(equivalent), ClipTokenizer.Default.Encode(raw));
        Assert.Equal(equivalent.ToLowerInvariant(), ClipTextNormalizer.Normalize(raw));
    }

    [Fact]
    public void Empty_and_whitespace_text_give_no_tokens()
    {
        Assert.Empty(ClipTokenizer.Default.Encode(""));
        Assert.Empty(ClipTokenizer.Default.Encode(" \t\n\u3000 "));
        Assert.Equal(0, ClipTokenizer.Default.CountTokens("   "));
    }

    [Fact]
    public void Very_long_words_match_reference_bpe_and_round_trip()
    {
        var random = new Random(1234);
        var letters = "abcdefghijklmnopqrstuvwxyzéß";
        foreach (var length in new[] { 1, 2, 7, 63, 64, 65, 127, 128, 129, 300, 2000 })
        {
            var word = new string(Enumerable.Range(0, length).Select(_ => letters[random.Next(letters.Length)]).ToArray());
            var ids = ClipTokenizer.Default.Encode(word);
            Assert.Equal(ReferenceClipBpe.Instance.EncodeWord(word), ids);
            Assert.Equal(word, ClipTokenizer.Default.Decode(ids));
        }

        var repeated = new string('a', 5000);
        Assert.Equal(ReferenceClipBpe.Instance.EncodeWord(repeated), ClipTokenizer.Default.Encode(repeated));
    }

    [Fact]
    public void Decode_reverses_encode_with_clip_word_spacing()
    {
        // CLIP decodes every word end as a space, so punctuation words come back space-separated.
        var text = "a photo of an astronaut, riding a horse on mars! 😀 日本";
        Assert.Equal("a photo of an astronaut , riding a horse on mars ! 😀 日本", ClipTokenizer.Default.Decode(ClipTokenizer.Default.EncodeWithSpecialTokens(text)));
    }

    [Fact]
    public void Concurrent_encoding_gives_the_same_ids_as_sequential()
    {
        var texts = Enumerable.Range(0, 200).Select(i => $"prompt number {i}, (masterpiece) with word{i * 7919} and ünïcode{i}").ToArray();
        var fresh = ClipTokenizer.FromFiles(SharedTestData.File("clip", "vocab.json"), SharedTestData.File("clip", "merges.txt"));
        var expected = texts.Select(FromHfFiles.Encode).ToArray();
        var actual = new int[texts.Length][];
        Parallel.For(0, texts.Length * 4, i => actual[i % texts.Length] = fresh.Encode(texts[i % texts.Length]));
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }
}
