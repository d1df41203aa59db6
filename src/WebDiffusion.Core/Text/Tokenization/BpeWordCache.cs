using System.Collections.Concurrent;

namespace WebDiffusion.Core.Text.Tokenization;

/// <summary>
/// Thread-safe word → token ids cache, looked up by span (no string per lookup). Bounded: when it reaches its
/// capacity it is emptied and refills with the words in current use.
/// </summary>
internal sealed class BpeWordCache
{
    private readonly ConcurrentDictionary<string, int[]> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> words.</summary>
    public BpeWordCache(int capacity)
    {
        _capacity = capacity;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Number of cached words.</summary>
    public int Count => _entries.Count;

    /// <summary>Looks a word up.</summary>
    public bool TryGet(ReadOnlySpan<char> word, out int[] ids) => _lookup.TryGetValue(word, out ids!);

    /// <summary>Adds a word (words longer than 64 chars are not cached: they are rare and would crowd the cache).</summary>
    public void Add(ReadOnlySpan<char> word, int[] ids)
    {
        if (word.Length > 64)
        {
            return;
        }

        if (_entries.Count >= _capacity)
        {
            _entries.Clear();
        }

        _lookup.TryAdd(word, ids);
    }
}
