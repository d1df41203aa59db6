using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace WebDiffusion.Core.Text.Tokenization;

/// <summary>
/// The CLIP byte-level BPE tokenizer (SD1.x/SD2.x text encoders): text cleanup, CLIP's pre-tokenizer, BPE with
/// <c>&lt;/w&gt;</c> word ends, a bounded thread-safe word cache. Instances are immutable and thread-safe.
/// </summary>
public sealed partial class ClipTokenizer
{
    /// <summary>Tokens per chunk including BOS and EOS (CLIP's context length).</summary>
    public const int ContextLength = 77;

    private const int CacheCapacity = 50_000;

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _vocab;
    private readonly (int Left, int Right)[] _mergeList;
    private readonly int[] _byteIds;
    private readonly int[] _byteEndIds;
    private readonly BpeMerger _merger;
    private readonly BpeWordCache _cache;

    private ClipTokenizer(ClipTokenizer source, int padId)
    {
        _tokens = source._tokens;
        _vocab = source._vocab;
        _mergeList = source._mergeList;
        _byteIds = source._byteIds;
        _byteEndIds = source._byteEndIds;
        _merger = source._merger;
        _cache = source._cache;
        BosId = source.BosId;
        EosId = source.EosId;
        CommaId = source.CommaId;
        PadId = padId;
    }

    private ClipTokenizer(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, string? padToken, string source)
    {
        _vocab = vocab;
        var size = 0;
        foreach (var id in vocab.Values)
        {
            if (id < 0)
            {
                throw new TokenizerFormatException($"{source}: negative token id {id}.");
            }

            size = Math.Max(size, id + 1);
        }

        _tokens = new string[size];
        foreach (var (token, id) in vocab)
        {
            if (_tokens[id] is not null)
            {
                throw new TokenizerFormatException($"{source}: token id {id} is used twice ('{_tokens[id]}' and '{token}').");
            }

            _tokens[id] = token;
        }

        _byteIds = new int[256];
        _byteEndIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            var symbol = ClipByteAlphabet.CharForByte[b].ToString();
            _byteIds[b] = Require(symbol, source);
            _byteEndIds[b] = Require(symbol + "</w>", source);
        }

        BosId = Require(ClipPreTokenizer.StartOfText, source);
        EosId = Require(ClipPreTokenizer.EndOfText, source);
        CommaId = vocab.TryGetValue(",</w>", out var comma) ? comma : -1;
        PadId = padToken is null ? EosId : Require(padToken, source);

        var table = new Dictionary<long, long>(merges.Count);
        _mergeList = new (int, int)[merges.Count];
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocab.TryGetValue(left, out var leftId) || !vocab.TryGetValue(right, out var rightId) || !vocab.TryGetValue(left + right, out var mergedId))
            {
                throw new TokenizerFormatException($"{source}: merge #{rank + 1} '{left} {right}' uses a token that is not in the vocabulary.");
            }

            _mergeList[rank] = (leftId, rightId);
            table.TryAdd(BpeMerger.Key(leftId, rightId), BpeMerger.Value(rank, mergedId));
        }

        _merger = new BpeMerger(table);
        _cache = new BpeWordCache(CacheCapacity);
    }

    /// <summary>Id of <c>&lt;|startoftext|&gt;</c> (49406 for CLIP).</summary>
    public int BosId { get; }

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c> (49407 for CLIP).</summary>
    public int EosId { get; }

    /// <summary>Id used to pad a chunk after its EOS: EOS for SD1.x, 0 (<c>!</c>) for SD2.x open-clip.</summary>
    public int PadId { get; }

    /// <summary>Id of the comma word (<c>,&lt;/w&gt;</c>), or -1 if the vocabulary has none.</summary>
    public int CommaId { get; }

    /// <summary>Number of ids (49408 for CLIP).</summary>
    public int VocabularySize => _tokens.Length;

    /// <summary>Words currently held in the BPE cache (diagnostics).</summary>
    public int CachedWordCount => _cache.Count;

    /// <summary>The same vocabulary with another padding id (e.g. 0 for SD2.x).</summary>
    public ClipTokenizer WithPadId(int padId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(padId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(padId, VocabularySize);
        return new ClipTokenizer(this, padId);
    }

    /// <summary>The token string of an id (e.g. <c>cat&lt;/w&gt;</c>).</summary>
    public string IdToToken(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, VocabularySize);
        return _tokens[id];
    }

    /// <summary>The id of a token string, or -1.</summary>
    public int TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _vocab.TryGetValue(token, out var id) ? id : -1;
    }

    /// <summary>Token ids of <paramref name="text"/> without BOS/EOS and without truncation.</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int>();
        Encode(text, ids);
        return [.. ids];
    }

    /// <summary>BOS, the token ids of <paramref name="text"/>, EOS (no truncation, no padding).</summary>
    public int[] EncodeWithSpecialTokens(string text)
    {
        var ids = new List<int> { BosId };
        Encode(text, ids);
        ids.Add(EosId);
        return [.. ids];
    }

    /// <summary>Number of tokens of <paramref name="text"/> (without BOS/EOS).</summary>
    public int CountTokens(string text)
    {
        var ids = new List<int>();
        Encode(text, ids);
        return ids.Count;
    }

    /// <summary>Appends the token ids of <paramref name="text"/> (without BOS/EOS) to <paramref name="output"/>.</summary>
    public void Encode(string text, List<int> output)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(output);
        var cleaned = ClipTextNormalizer.Normalize(text).AsSpan();
        var position = 0;
        while (ClipPreTokenizer.TryNextWord(cleaned, ref position, out var start, out var length))
        {
            EncodeWord(cleaned.Slice(start, length), output);
        }
    }

    /// <summary>Text of token ids, as CLIP decodes it (<c>&lt;/w&gt;</c> becomes a space); BOS/EOS/padding are skipped.</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var bytes = new List<byte>(ids.Length * 4);
        foreach (var id in ids)
        {
            if (id == BosId || id == EosId || id < 0 || id >= _tokens.Length)
            {
                continue;
            }

            foreach (var c in _tokens[id])
            {
                bytes.Add(ByteOfChar(c));
            }
        }

        return Encoding.UTF8.GetString(CollectionsMarshal.AsSpan(bytes)).Replace("</w>", " ", StringComparison.Ordinal).TrimEnd();
    }

    private static byte ByteOfChar(char c)
    {
        var index = Array.IndexOf(ClipByteAlphabet.CharForByte, c);
        return index >= 0 ? (byte)index : (byte)'?';
    }

    private void EncodeWord(ReadOnlySpan<char> word, List<int> output)
    {
        if (word.SequenceEqual(ClipPreTokenizer.StartOfText))
        {
            output.Add(BosId);
            return;
        }

        if (word.SequenceEqual(ClipPreTokenizer.EndOfText))
        {
            output.Add(EosId);
            return;
        }

        if (_cache.TryGet(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }

        var byteCount = Encoding.UTF8.GetByteCount(word);
        byte[]? rentedBytes = null;
        int[]? rentedSymbols = null;
        Span<byte> bytes = byteCount <= 256 ? stackalloc byte[byteCount] : (rentedBytes = ArrayPool<byte>.Shared.Rent(byteCount)).AsSpan(0, byteCount);
        Span<int> symbols = byteCount <= 256 ? stackalloc int[byteCount] : (rentedSymbols = ArrayPool<int>.Shared.Rent(byteCount)).AsSpan(0, byteCount);
        try
        {
            Encoding.UTF8.GetBytes(word, bytes);
            for (var i = 0; i < byteCount - 1; i++)
            {
                symbols[i] = _byteIds[bytes[i]];
            }

            symbols[byteCount - 1] = _byteEndIds[bytes[byteCount - 1]];
            var count = _merger.Merge(symbols);
            var ids = symbols[..count].ToArray();
            _cache.Add(word, ids);
            output.AddRange(ids);
        }
        finally
        {
            if (rentedBytes is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedBytes);
            }

            if (rentedSymbols is not null)
            {
                ArrayPool<int>.Shared.Return(rentedSymbols);
            }
        }
    }

    private int Require(string token, string source) =>
        _vocab.TryGetValue(token, out var id) ? id : throw new TokenizerFormatException($"{source}: the vocabulary has no token '{token}'.");
}
