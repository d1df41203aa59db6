using System.Text.Json;
using WebDiffusion.Core.Models;

namespace WebDiffusion.Server.SdApi;

/// <summary>A1111's model naming over our registry: titles <c>"name [hash10]"</c>, lookups, paths relative to the models folder.</summary>
public static class SdApiModelTitles
{
    /// <summary>A1111's title: the name and the short hash in brackets (just the name while the hash is unknown).</summary>
    public static string Title(ModelDescription model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Hash is null ? model.Name : $"{model.Name} [{model.Hash}]";
    }

    /// <summary>
    /// A1111's <c>model_name</c>: a checkpoint's relative path without its extension, '/' replaced by '_'
    /// (<c>sub/model.safetensors</c> → <c>sub_model</c>); a model folder's name as it is.
    /// </summary>
    public static string ModelName(ModelDescription model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Source != ModelSourceKind.Checkpoint)
        {
            return model.Name;
        }

        var withoutExtension = model.Name[..^Path.GetExtension(model.Name).Length];
        return withoutExtension.Replace('/', '_').Replace('\\', '_');
    }

    /// <summary>
    /// The model whose title, name, short hash, full SHA-256 or legacy 8-hex hash is <paramref name="value"/> (A1111's
    /// checkpoint aliases), or null.
    /// </summary>
    public static ModelDescription? Find(ModelRegistrySnapshot snapshot, string value)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        return snapshot.Models.FirstOrDefault(m => string.Equals(Title(m), trimmed, StringComparison.Ordinal))
            ?? snapshot.Find(trimmed)
            ?? snapshot.Find(StripHash(trimmed))
            ?? snapshot.Models.FirstOrDefault(m => m.Source == ModelSourceKind.Checkpoint && string.Equals(ModelName(m), StripHash(trimmed), StringComparison.Ordinal))
            ?? snapshot.Models.FirstOrDefault(m => m.Source == ModelSourceKind.Checkpoint && string.Equals(m.InfotextName, StripHash(trimmed), StringComparison.Ordinal))
            ?? snapshot.Models.FirstOrDefault(m => m.Hash is not null && string.Equals(m.Hash, trimmed, StringComparison.OrdinalIgnoreCase))
            ?? snapshot.Models.FirstOrDefault(m => m.Sha256 is not null && string.Equals(m.Sha256, trimmed, StringComparison.OrdinalIgnoreCase))
            ?? snapshot.Models.FirstOrDefault(m => m.LegacyHash is not null && string.Equals(m.LegacyHash, trimmed, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary><paramref name="path"/> relative to <paramref name="modelsDir"/> with '/' separators; never an absolute path.</summary>
    public static string Relative(string modelsDir, string path)
    {
        var relative = Path.GetRelativePath(modelsDir, path);
        return Path.IsPathRooted(relative) ? Path.GetFileName(path) : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>
    /// The full SHA-256 whose first 10 hex are <paramref name="shortHash"/>, when the registry's hash cache holds it; null otherwise.
    /// Reads the cache file only; never hashes.
    /// </summary>
    public static string? FullHash(string dataDir, string? shortHash)
    {
        var file = Path.Combine(dataDir, ModelHashCache.FileName);
        if (shortHash is null || !File.Exists(file))
        {
            return null;
        }

        try
        {
            var entries = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file));
            return entries?.Values.FirstOrDefault(v => v.Length == 64 && v.StartsWith(shortHash, StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }

    private static string StripHash(string value)
    {
        var open = value.LastIndexOf(" [", StringComparison.Ordinal);
        return open > 0 && value.EndsWith(']') ? value[..open] : value;
    }
}
