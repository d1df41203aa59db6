using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace WebDiffusion.Core.Text.Tokenization;

/// <summary>Loading: a model's <c>tokenizer/</c> folder, explicit files, or CLIP's original merge list.</summary>
public sealed partial class ClipTokenizer
{
    private const string EmbeddedMergeList = "WebDiffusion.Core.Text.Resources.bpe_simple_vocab_16e6.txt.gz";

    /// <summary>Merges CLIP uses from its merge list: 49152 − 256 − 2.</summary>
    private const int ClipMergeCount = 49152 - 256 - 2;

    private static readonly Lazy<ClipTokenizer> DefaultInstance = new(LoadDefault, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// The SD1.x CLIP tokenizer built from the embedded <c>bpe_simple_vocab_16e6.txt.gz</c> (loaded once, on first use).
    /// </summary>
    public static ClipTokenizer Default => DefaultInstance.Value;

    /// <summary>
    /// Loads a diffusers <c>tokenizer/</c> folder: <c>vocab.json</c> and <c>merges.txt</c>, and the pad token from
    /// <c>special_tokens_map.json</c> or <c>tokenizer_config.json</c> when present (SD2.x pads with <c>!</c>, id 0).
    /// </summary>
    public static ClipTokenizer FromDirectory(string tokenizerDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizerDirectory);
        var padToken = ReadPadToken(Path.Combine(tokenizerDirectory, "special_tokens_map.json"))
            ?? ReadPadToken(Path.Combine(tokenizerDirectory, "tokenizer_config.json"));
        return FromFiles(Path.Combine(tokenizerDirectory, "vocab.json"), Path.Combine(tokenizerDirectory, "merges.txt"), padToken);
    }

    /// <summary>Loads a HF-layout <c>vocab.json</c> + <c>merges.txt</c>; <paramref name="padToken"/> null pads with EOS.</summary>
    public static ClipTokenizer FromFiles(string vocabJsonPath, string mergesPath, string? padToken = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabJsonPath);
        ArgumentException.ThrowIfNullOrEmpty(mergesPath);
        var vocab = ReadVocab(vocabJsonPath);
        var merges = ReadMerges(mergesPath);
        return new ClipTokenizer(vocab, merges, padToken, vocabJsonPath);
    }

    /// <summary>
    /// Builds the tokenizer from CLIP's original gzip merge list, deriving the vocabulary as CLIP does: the 256 byte
    /// symbols, the same with <c>&lt;/w&gt;</c>, every merge joined, then <c>&lt;|startoftext|&gt;</c> and <c>&lt;|endoftext|&gt;</c>.
    /// </summary>
    public static ClipTokenizer FromClipMergeList(Stream gzipStream, string sourceName = "bpe_simple_vocab_16e6.txt.gz")
    {
        ArgumentNullException.ThrowIfNull(gzipStream);
        List<(string, string)> merges;
        try
        {
            using var gzip = new GZipStream(gzipStream, CompressionMode.Decompress, leaveOpen: true);
            using var reader = new StreamReader(gzip, Encoding.UTF8);
            reader.ReadLine(); // header line
            merges = new List<(string, string)>(ClipMergeCount);
            string? line;
            while (merges.Count < ClipMergeCount && (line = reader.ReadLine()) is not null)
            {
                merges.Add(SplitMerge(line, merges.Count + 2, sourceName));
            }
        }
        catch (InvalidDataException ex)
        {
            throw new TokenizerFormatException($"{sourceName}: not a gzip file ({ex.Message}).", ex);
        }

        if (merges.Count != ClipMergeCount)
        {
            throw new TokenizerFormatException($"{sourceName}: expected {ClipMergeCount} merges, found {merges.Count}.");
        }

        var vocab = new Dictionary<string, int>(256 * 2 + merges.Count + 2, StringComparer.Ordinal);
        foreach (var b in ClipByteAlphabet.BytesInVocabOrder)
        {
            vocab.Add(ClipByteAlphabet.CharForByte[b].ToString(), vocab.Count);
        }

        foreach (var b in ClipByteAlphabet.BytesInVocabOrder)
        {
            vocab.Add(ClipByteAlphabet.CharForByte[b] + "</w>", vocab.Count);
        }

        foreach (var (left, right) in merges)
        {
            vocab.TryAdd(left + right, vocab.Count);
        }

        vocab.Add(ClipPreTokenizer.StartOfText, vocab.Count);
        vocab.Add(ClipPreTokenizer.EndOfText, vocab.Count);
        return new ClipTokenizer(vocab, merges, null, sourceName);
    }

    private static ClipTokenizer LoadDefault()
    {
        using var stream = typeof(ClipTokenizer).Assembly.GetManifestResourceStream(EmbeddedMergeList)
            ?? throw new TokenizerFormatException($"The embedded resource {EmbeddedMergeList} is missing from WebDiffusion.Core.");
        return FromClipMergeList(stream);
    }

    private static Dictionary<string, int> ReadVocab(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            return JsonSerializer.Deserialize<Dictionary<string, int>>(bytes)
                ?? throw new TokenizerFormatException($"{path}: expected a JSON object of token → id.");
        }
        catch (JsonException ex)
        {
            throw new TokenizerFormatException($"{path}: not a JSON object of token → id ({ex.Message}).", ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TokenizerFormatException($"Tokenizer file missing: {path}.", ex);
        }
    }

    private static List<(string, string)> ReadMerges(string path)
    {
        try
        {
            var merges = new List<(string, string)>(ClipMergeCount);
            var lineNumber = 0;
            foreach (var line in File.ReadLines(path, Encoding.UTF8))
            {
                lineNumber++;
                if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
                {
                    continue;
                }

                merges.Add(SplitMerge(line, lineNumber, path));
            }

            return merges;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TokenizerFormatException($"Tokenizer file missing: {path}.", ex);
        }
    }

    private static (string, string) SplitMerge(string line, int lineNumber, string source)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
        {
            throw new TokenizerFormatException($"{source} line {lineNumber}: expected two symbols separated by one space, found '{line}'.");
        }

        return (line[..space], line[(space + 1)..]);
    }

    private static string? ReadPadToken(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("pad_token", out var pad))
            {
                return null;
            }

            return pad.ValueKind switch
            {
                JsonValueKind.String => pad.GetString(),
                JsonValueKind.Object when pad.TryGetProperty("content", out var content) => content.GetString(),
                _ => null,
            };
        }
        catch (JsonException ex)
        {
            throw new TokenizerFormatException($"{path}: not valid JSON ({ex.Message}).", ex);
        }
    }
}
