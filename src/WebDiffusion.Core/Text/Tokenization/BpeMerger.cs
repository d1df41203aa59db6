using System.Buffers;

namespace WebDiffusion.Core.Text.Tokenization;

/// <summary>
/// Byte-pair merging of one word over symbol ids. Pairs merge lowest rank first and, among equal ranks, leftmost
/// first — the same result as CLIP's "merge every occurrence of the best bigram, repeat" loop, because a merge only
/// creates pairs of higher rank. A min-heap keeps long words at O(n log n).
/// </summary>
internal sealed class BpeMerger
{
    private const int StackLimit = 128;
    private readonly Dictionary<long, long> _merges;

    /// <summary>Creates a merger over (left id, right id) → (rank, merged id) pairs.</summary>
    public BpeMerger(Dictionary<long, long> merges) => _merges = merges;

    /// <summary>Packs a pair of symbol ids into a dictionary key.</summary>
    public static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>Packs a rank and merged id into a dictionary value.</summary>
    public static long Value(int rank, int mergedId) => ((long)rank << 32) | (uint)mergedId;

    /// <summary>Merges <paramref name="symbols"/> in place; returns how many symbols remain at the front.</summary>
    public int Merge(Span<int> symbols)
    {
        var n = symbols.Length;
        if (n < 2)
        {
            return n;
        }

        int[]? rented = null;
        Span<int> scratch = n <= StackLimit ? stackalloc int[n * 2] : (rented = ArrayPool<int>.Shared.Rent(n * 2)).AsSpan(0, n * 2);
        long[]? rentedHeap = null;
        Span<long> heapStorage = n <= StackLimit ? stackalloc long[n * 3] : (rentedHeap = ArrayPool<long>.Shared.Rent(n * 3)).AsSpan(0, n * 3);
        try
        {
            var prev = scratch[..n];
            var next = scratch[n..];
            var heap = new MinHeap(heapStorage);
            for (var i = 0; i < n; i++)
            {
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
                if (i + 1 < n && _merges.TryGetValue(Key(symbols[i], symbols[i + 1]), out var found))
                {
                    heap.Push(((found >> 32) << 32) | (uint)i);
                }
            }

            while (heap.Count > 0)
            {
                var entry = heap.Pop();
                var rank = (int)(entry >> 32);
                var pos = (int)(entry & 0xFFFFFFFF);
                var right = next[pos];
                if (prev[pos] == -2 || right < 0 || !_merges.TryGetValue(Key(symbols[pos], symbols[right]), out var current) || (int)(current >> 32) != rank)
                {
                    continue; // stale entry
                }

                symbols[pos] = (int)(current & 0xFFFFFFFF);
                var after = next[right];
                next[pos] = after;
                if (after >= 0)
                {
                    prev[after] = pos;
                }

                prev[right] = -2; // removed
                if (prev[pos] >= 0 && _merges.TryGetValue(Key(symbols[prev[pos]], symbols[pos]), out var leftPair))
                {
                    heap.Push(((leftPair >> 32) << 32) | (uint)prev[pos]);
                }

                if (after >= 0 && _merges.TryGetValue(Key(symbols[pos], symbols[after]), out var rightPair))
                {
                    heap.Push(((rightPair >> 32) << 32) | (uint)pos);
                }
            }

            var count = 0;
            for (var i = 0; i >= 0; i = next[i])
            {
                symbols[count++] = symbols[i];
            }

            return count;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }

            if (rentedHeap is not null)
            {
                ArrayPool<long>.Shared.Return(rentedHeap);
            }
        }
    }

    private ref struct MinHeap
    {
        private readonly Span<long> _items;

        public MinHeap(Span<long> storage)
        {
            _items = storage;
            Count = 0;
        }

        public int Count { get; private set; }

        public void Push(long value)
        {
            var i = Count++;
            _items[i] = value;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (_items[parent] <= _items[i])
                {
                    break;
                }

                (_items[parent], _items[i]) = (_items[i], _items[parent]);
                i = parent;
            }
        }

        public long Pop()
        {
            var top = _items[0];
            _items[0] = _items[--Count];
            var i = 0;
            while (true)
            {
                var left = (2 * i) + 1;
                if (left >= Count)
                {
                    break;
                }

                var smallest = left + 1 < Count && _items[left + 1] < _items[left] ? left + 1 : left;
                if (_items[i] <= _items[smallest])
                {
                    break;
                }

                (_items[i], _items[smallest]) = (_items[smallest], _items[i]);
                i = smallest;
            }

            return top;
        }
    }
}
