using BenchmarkDotNet.Attributes;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Benchmarks.Text;

/// <summary>Tokenizer throughput on a long English text (tokens/s = TokenCount / mean time).</summary>
[MemoryDiagnoser]
public class ClipTokenizerBenchmarks
{
    private const string Paragraph =
        "The quick brown fox jumps over the lazy dog while a photographer, standing in golden hour light, captures the scene " +
        "with a 35mm lens; intricate details, dramatic clouds, volumetric lighting, highly detailed, sharp focus, trending on artstation. ";

    private readonly List<int> _ids = new(1 << 16);
    private string _text = string.Empty;
    private ClipTokenizer _tokenizer = null!;

    /// <summary>Tokens in the text (for tokens/second).</summary>
    public int TokenCount { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _tokenizer = ClipTokenizer.Default;
        _text = string.Concat(Enumerable.Repeat(Paragraph, 200));
        TokenCount = _tokenizer.CountTokens(_text);
        Console.WriteLine($"// text: {_text.Length} chars, {TokenCount} tokens");
    }

    [Benchmark]
    public int EncodeLongText()
    {
        _ids.Clear();
        _tokenizer.Encode(_text, _ids);
        return _ids.Count;
    }

    [Benchmark]
    public int LoadFromMergeListThenEncode()
    {
        // A fresh tokenizer (gzip merge list parsed, empty word cache) then one encode: start-up cost plus uncached BPE.
        _ids.Clear();
        var fresh = ClipTokenizer.FromClipMergeList(new MemoryStream(EmbeddedMergeList.Bytes));
        fresh.Encode(_text, _ids);
        return _ids.Count;
    }
}

/// <summary>The embedded merge list bytes, read once.</summary>
internal static class EmbeddedMergeList
{
    public static byte[] Bytes { get; } = Read();

    private static byte[] Read()
    {
        using var stream = typeof(ClipTokenizer).Assembly.GetManifestResourceStream("WebDiffusion.Core.Text.Resources.bpe_simple_vocab_16e6.txt.gz")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
