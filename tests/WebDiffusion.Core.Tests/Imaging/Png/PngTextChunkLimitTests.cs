using System.Text;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Infotext.Metadata;

namespace WebDiffusion.Core.Tests.Imaging.Png;

/// <summary>
/// A PNG made of many tiny text chunks (a hostile probe sent 100 000 in a 2.3 MB upload) is refused past the chunk cap,
/// and the metadata built from the chunks keeps A1111's duplicate-keyword behaviour without quadratic work.
/// </summary>
public class PngTextChunkLimitTests
{
    private static byte[] WithTextChunks(int count, Func<int, string> keyword) =>
        TestPngWriter.Write(1, 1, 0, 8, [[7]], false,
            extraChunksAfterIdat: Enumerable.Range(0, count).Select(i => ("tEXt", Encoding.Latin1.GetBytes($"{keyword(i)}\0{i}"))));

    [Fact]
    public void More_text_chunks_than_the_cap_are_refused_naming_it()
    {
        var file = WithTextChunks(PngDecoderOptions.Default.MaxTextChunks + 1, i => $"k{i}");

        var ex = Assert.Throws<ImageTooLargeException>(() => PngDecoder.ReadTexts(file));
        Assert.Contains($"{PngDecoderOptions.Default.MaxTextChunks} text chunks", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ImageTooLargeException>(() => ImageMetadataReader.Read(file));
    }

    [Fact]
    public void Text_chunks_up_to_the_cap_are_all_read()
    {
        var count = PngDecoderOptions.Default.MaxTextChunks;
        var (_, texts) = PngDecoder.ReadTexts(WithTextChunks(count, i => $"k{i}"));

        Assert.Equal(count, texts.Count);
        Assert.Equal($"{count - 1}", texts[^1].Text);
        Assert.Throws<ImageTooLargeException>(() => PngDecoder.ReadTexts(WithTextChunks(11, i => $"k{i}"), new PngDecoderOptions { MaxTextChunks = 10 }));
    }

    [Fact]
    public void A_keyword_written_many_times_keeps_its_last_text_at_its_last_place()
    {
        // a, b, a, parameters, c, b, parameters, a ... as PIL's info dict re-inserts a repeated key
        string[] keys = ["a", "b", "a", "parameters", "c", "b", "parameters", "a"];
        var texts = keys.Select((k, i) => new PngTextEntry(k, $"{k}{i}", PngTextKind.Text)).ToList();

        var metadata = ImageMetadataReader.FromPngTexts(texts, 1, 1);

        Assert.Equal("parameters6", metadata.Parameters);
        Assert.Equal([new("c", "c4"), new("b", "b5"), new("a", "a7")], metadata.Items);
    }

    [Fact]
    public void Many_repeated_keywords_collapse_to_one_item_each()
    {
        var texts = Enumerable.Range(0, 1000).Select(i => new PngTextEntry($"k{i % 3}", $"{i}", PngTextKind.Text)).ToList();

        var metadata = ImageMetadataReader.FromPngTexts(texts, 1, 1);

        Assert.Equal([new("k0", "999"), new("k1", "997"), new("k2", "998")], metadata.Items.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(["k1", "k2", "k0"], metadata.Items.Select(kv => kv.Key));
    }
}
