using System.Globalization;

namespace WebDiffusion.Benchmarks.Server;

/// <summary>"--name value" options of a harness run.</summary>
public sealed class HarnessArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public HarnessArgs(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--name value', got '{args[i]}'.");
            }

            _values[args[i][2..]] = args[++i];
        }
    }

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public string String(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public IReadOnlyList<int> IntList(string name, int[] fallback) =>
        _values.TryGetValue(name, out var v) ? [.. v.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : fallback;

    public IReadOnlyList<string> StringList(string name, string[] fallback) =>
        _values.TryGetValue(name, out var v) ? [.. v.Split(',').Select(s => s.Trim())] : fallback;
}
