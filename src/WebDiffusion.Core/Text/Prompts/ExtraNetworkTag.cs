using System.Globalization;

namespace WebDiffusion.Core.Text.Prompts;

/// <summary>
/// An extra-network tag such as <c>&lt;lora:name:0.8&gt;</c>, <c>&lt;lyco:name:te=1:unet=0.5&gt;</c> or
/// <c>&lt;hypernet:name:1&gt;</c>: its kind and its <c>:</c>-separated arguments (an argument with <c>=</c> is named).
/// </summary>
public sealed class ExtraNetworkTag
{
    /// <summary>Kinds A1111 knows out of the box.</summary>
    public static IReadOnlySet<string> KnownKinds { get; } = new HashSet<string>(StringComparer.Ordinal) { "lora", "lyco", "hypernet" };

    /// <summary>Creates a tag from its kind and raw arguments.</summary>
    public ExtraNetworkTag(string kind, IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(arguments);
        Kind = kind;
        Arguments = arguments;
        var positional = new List<string>();
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in arguments)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var parts = eq < 0 ? 1 : item.IndexOf('=', eq + 1) < 0 ? 2 : 3;
            if (parts == 2)
            {
                named[item[..eq]] = item[(eq + 1)..];
            }
            else
            {
                positional.Add(item);
            }
        }

        Positional = positional;
        Named = named;
    }

    /// <summary>The tag kind: <c>lora</c>, <c>lyco</c>, <c>hypernet</c>, or another word.</summary>
    public string Kind { get; }

    /// <summary>All arguments in order, as written.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Arguments without <c>=</c> (the first is the network name).</summary>
    public IReadOnlyList<string> Positional { get; }

    /// <summary>Arguments written <c>key=value</c>.</summary>
    public IReadOnlyDictionary<string, string> Named { get; }

    /// <summary>The network name (first positional argument), or empty.</summary>
    public string Name => Positional.Count > 0 ? Positional[0] : string.Empty;

    /// <summary>True for <c>lora</c>, <c>lyco</c> and <c>hypernet</c>.</summary>
    public bool IsKnownKind => KnownKinds.Contains(Kind);

    /// <summary>
    /// A numeric argument: the named one if present, else positional <paramref name="position"/>, else
    /// <paramref name="fallback"/>. For LoRA: <c>GetNumber("te", 1, 1.0)</c> and <c>GetNumber("unet", 2, te)</c>.
    /// </summary>
    /// <exception cref="FormatException">The argument is present but not a number.</exception>
    public double GetNumber(string name, int position, double fallback)
    {
        string? raw = null;
        if (Named.TryGetValue(name, out var namedValue))
        {
            raw = namedValue;
        }
        else if (position >= 0 && position < Positional.Count)
        {
            raw = Positional[position];
        }

        if (raw is null)
        {
            return fallback;
        }

        return double.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"<{Kind}:{string.Join(':', Arguments)}>: '{raw}' is not a number.");
    }

    /// <inheritdoc/>
    public override string ToString() => $"<{Kind}:{string.Join(':', Arguments)}>";
}
