using System.Collections.Concurrent;
using System.Text.Json;

namespace WebDiffusion.Onnx.Caching;

/// <summary>
/// Model content hashes kept in <c>model-hashes.json</c> in the optimized-model cache folder, so a restarted process finds
/// a multi-GB model's cache entry without reading its weights again. An entry is keyed by the model's full path and holds
/// the length and last-write time of the model and of each external-data file; it is used only while all of them are
/// unchanged, otherwise the files are hashed again. Thread-safe; processes sharing a folder at worst hash a model twice.
/// </summary>
internal sealed class ModelHashSidecar
{
    /// <summary>The sidecar's file name in the cache folder.</summary>
    public const string FileName = "model-hashes.json";

    private static readonly ConcurrentDictionary<string, ModelHashSidecar> ByFolder = new(StringComparer.Ordinal);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private readonly Lock _lock = new();
    private Dictionary<string, ModelHashEntry>? _entries;

    /// <summary>A sidecar in <paramref name="folder"/> with its own in-memory copy (a second process's view, in tests).</summary>
    public ModelHashSidecar(string folder) => FilePath = Path.Combine(Path.GetFullPath(folder), FileName);

    /// <summary>The sidecar file.</summary>
    public string FilePath { get; }

    /// <summary>The process-wide sidecar of <paramref name="folder"/>.</summary>
    public static ModelHashSidecar For(string folder) => ByFolder.GetOrAdd(Path.GetFullPath(folder), f => new ModelHashSidecar(f));

    /// <summary>The content hash of <paramref name="modelPath"/>: from the sidecar while its files are unchanged, else computed and stored.</summary>
    /// <exception cref="IOException">The model or one of its files cannot be read.</exception>
    /// <exception cref="InvalidDataException">The model is not a readable ONNX file.</exception>
    public string Hash(string modelPath)
    {
        var key = Path.GetFullPath(modelPath);
        lock (_lock)
        {
            _entries ??= Load();
            if (_entries.TryGetValue(key, out var known) && known.IsCurrent())
            {
                return known.Sha256;
            }
        }

        // Stat before reading: a file rewritten while it is hashed then no longer matches its entry and is hashed again.
        var files = ModelContentHasher.CoveredFiles(key);
        var stats = files.Select(HashedFile.Stat).ToList();
        var entry = new ModelHashEntry(stats, ModelContentHasher.Sha256(files));
        lock (_lock)
        {
            var merged = Load();
            merged[key] = entry;
            foreach (var gone in merged.Where(e => !File.Exists(e.Key)).Select(e => e.Key).ToList())
            {
                merged.Remove(gone);
            }

            _entries = merged;
            Save(merged);
        }

        return entry.Sha256;
    }

    private Dictionary<string, ModelHashEntry> Load()
    {
        try
        {
            return File.Exists(FilePath)
                ? JsonSerializer.Deserialize<Dictionary<string, ModelHashEntry>>(File.ReadAllText(FilePath), Json) ?? new(StringComparer.Ordinal)
                : new(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // A damaged or unreadable sidecar only costs a re-hash.
            return new(StringComparer.Ordinal);
        }
    }

    private void Save(Dictionary<string, ModelHashEntry> entries)
    {
        var temp = $"{FilePath}.{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            File.WriteAllText(temp, JsonSerializer.Serialize(entries, Json));
            File.Move(temp, FilePath, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only cache folder only costs a re-hash in the next process.
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do.
            }
        }
    }
}
