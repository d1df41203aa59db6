using System.Globalization;
using System.Text.Json;

namespace WebDiffusion.Core.Models;

/// <summary>
/// Hashes computed once and kept in a JSON file (<c>model-hashes.json</c> in the data folder), keyed by the hashed
/// files' paths, sizes and modification times: a changed or replaced file is hashed again. Thread-safe.
/// </summary>
public sealed class ModelHashCache
{
    /// <summary>The cache file name in the data folder.</summary>
    public const string FileName = "model-hashes.json";

    private readonly string _path;
    private readonly Lock _lock = new();
    private Dictionary<string, string>? _entries;

    /// <summary>A cache stored in <paramref name="dataDir"/>.</summary>
    public ModelHashCache(string dataDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        _path = Path.Combine(dataDir, FileName);
    }

    /// <summary>Path of the cache file.</summary>
    public string FilePath => _path;

    /// <summary>The full SHA-256 of <paramref name="files"/> (concatenated), from the cache or computed and stored.</summary>
    public string GetOrCompute(IReadOnlyList<string> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var key = Key(files);
        lock (_lock)
        {
            _entries ??= Load();
            if (_entries.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        var hash = ModelHasher.Sha256(files, cancellationToken);
        lock (_lock)
        {
            _entries![key] = hash;
            Save(_entries);
        }

        return hash;
    }

    private static string Key(IReadOnlyList<string> files) => string.Join('|', files.Select(f =>
    {
        var info = new FileInfo(f);
        return string.Create(CultureInfo.InvariantCulture, $"{Path.GetFullPath(f)}:{info.Length}:{info.LastWriteTimeUtc.Ticks}");
    }));

    private Dictionary<string, string> Load()
    {
        try
        {
            return File.Exists(_path)
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(_path)) ?? new(StringComparer.Ordinal)
                : new(StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return new(StringComparer.Ordinal);
        }
    }

    private void Save(Dictionary<string, string> entries)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temp = _path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(entries));
        File.Move(temp, _path, overwrite: true);
    }
}
