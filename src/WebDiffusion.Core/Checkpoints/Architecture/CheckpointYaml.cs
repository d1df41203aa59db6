using System.Globalization;

namespace WebDiffusion.Core.Checkpoints.Architecture;

/// <summary>
/// The few scalar settings A1111 takes from a <c>&lt;checkpoint&gt;.yaml</c> beside the file (the ldm inference config):
/// <c>num_heads</c>, <c>num_head_channels</c>, <c>parameterization</c>, <c>scale_factor</c> and, when present,
/// <c>num_attention_heads</c> of a text config. Read as <c>key: value</c> lines under their section; nothing is executed.
/// </summary>
public sealed class CheckpointYaml
{
    private const long MaxBytes = 1024 * 1024;
    private readonly Dictionary<string, string> _values;

    private CheckpointYaml(Dictionary<string, string> values) => _values = values;

    /// <summary>Settings as <c>section.key</c> paths of the last-seen enclosing key (e.g. <c>unet_config.params.num_heads</c> is found as <c>num_heads</c> under <c>unet_config</c>).</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>The yaml beside <paramref name="checkpointPath"/> (same name, <c>.yaml</c>), or null when there is none.</summary>
    /// <exception cref="CheckpointFormatException">The yaml is over 1 MiB.</exception>
    public static CheckpointYaml? FindBeside(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        var path = Path.ChangeExtension(checkpointPath, ".yaml");
        if (!File.Exists(path))
        {
            return null;
        }

        if (new FileInfo(path).Length > MaxBytes)
        {
            throw new CheckpointFormatException(path, null, "the model config yaml is over 1 MiB.");
        }

        return Parse(File.ReadAllLines(path));
    }

    /// <summary>Parses yaml text lines.</summary>
    public static CheckpointYaml Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var stack = new List<(int Indent, string Key)>();
        foreach (var raw in lines)
        {
            var line = raw.Split('#')[0].TrimEnd();
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed.StartsWith('-'))
            {
                continue;
            }

            var indent = line.Length - trimmed.Length;
            var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = trimmed[..colon].Trim();
            var value = trimmed[(colon + 1)..].Trim();
            stack.RemoveAll(s => s.Indent >= indent);
            var section = string.Join('.', stack.Select(s => s.Key));
            if (value.Length == 0)
            {
                stack.Add((indent, key));
            }
            else
            {
                values[section.Length == 0 ? key : section + "." + key] = value.Trim('"', '\'');
            }
        }

        return new CheckpointYaml(values);
    }

    /// <summary>The value of the first setting whose path contains <paramref name="section"/> and ends with <paramref name="key"/>.</summary>
    public string? Find(string section, string key)
    {
        foreach (var (path, value) in _values)
        {
            if ((path == key || path.EndsWith("." + key, StringComparison.Ordinal)) && path.Contains(section, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>An integer setting, or null.</summary>
    public int? FindInt(string section, string key) =>
        int.TryParse(Find(section, key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>A float setting, or null.</summary>
    public float? FindFloat(string section, string key) =>
        float.TryParse(Find(section, key), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
}
