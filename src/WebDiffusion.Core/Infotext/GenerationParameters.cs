using System.Collections;
using System.Globalization;

namespace WebDiffusion.Core.Infotext;

/// <summary>
/// The ordered <c>key: value</c> pairs of an infotext's last line. Setting an existing key keeps its position;
/// setting null removes it (A1111 omits None values). <see cref="InA1111Order"/> gives the order A1111 writes.
/// </summary>
public sealed class GenerationParameters : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _items = [];

    /// <summary>Number of pairs.</summary>
    public int Count => _items.Count;

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public string? this[string key]
    {
        get
        {
            var i = IndexOf(key);
            return i < 0 ? null : _items[i].Value;
        }
    }

    /// <summary>Sets (or with null removes) a value; returns this for chaining.</summary>
    public GenerationParameters Set(string key, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var i = IndexOf(key);
        if (value is null)
        {
            if (i >= 0)
            {
                _items.RemoveAt(i);
            }
        }
        else if (i >= 0)
        {
            _items[i] = new(key, value);
        }
        else
        {
            _items.Add(new(key, value));
        }

        return this;
    }

    /// <summary>Sets an integer value (invariant culture).</summary>
    public GenerationParameters Set(string key, long value) => Set(key, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Sets a number in its shortest round-trip invariant form (7 → "7", 0.75 → "0.75").</summary>
    public GenerationParameters Set(string key, double value) => Set(key, value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Sets a size as <c>WxH</c>.</summary>
    public GenerationParameters SetSize(string key, int width, int height) =>
        Set(key, string.Create(CultureInfo.InvariantCulture, $"{width}x{height}"));

    /// <summary>True when <paramref name="key"/> is present.</summary>
    public bool Contains(string key) => IndexOf(key) >= 0;

    /// <summary>
    /// The pairs in A1111's order: <see cref="InfotextKeys.StandardOrder"/> first, then every other key in insertion order,
    /// then <see cref="InfotextKeys.TrailingOrder"/>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> InA1111Order()
    {
        var result = new List<KeyValuePair<string, string>>(_items.Count);
        foreach (var key in InfotextKeys.StandardOrder)
        {
            var i = IndexOf(key);
            if (i >= 0)
            {
                result.Add(_items[i]);
            }
        }

        foreach (var item in _items)
        {
            if (!InfotextKeys.StandardOrder.Contains(item.Key) && !InfotextKeys.TrailingOrder.Contains(item.Key))
            {
                result.Add(item);
            }
        }

        foreach (var key in InfotextKeys.TrailingOrder)
        {
            var i = IndexOf(key);
            if (i >= 0)
            {
                result.Add(_items[i]);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key) => _items.FindIndex(kv => string.Equals(kv.Key, key, StringComparison.Ordinal));
}
