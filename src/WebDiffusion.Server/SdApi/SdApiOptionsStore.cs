using System.Text.Json;
using System.Text.Json.Nodes;
using WebDiffusion.Server.Hosting;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// The /sdapi options that were changed from A1111's defaults, and the selected model's name, persisted as
/// <c>data/sdapi-options.json</c> (written to a temporary file, then renamed). Thread-safe.
/// </summary>
public sealed class SdApiOptionsStore
{
    /// <summary>The file name in the data folder.</summary>
    public const string FileName = "sdapi-options.json";

    private const string ModelNameKey = "sd_model_checkpoint";

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly ILogger<SdApiOptionsStore> _logger;
    private readonly JsonObject _stored;

    public SdApiOptionsStore(WebDiffusionPaths paths, ILogger<SdApiOptionsStore> logger)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _path = Path.Combine(paths.DataDir, FileName);
        _logger = logger;
        _stored = Load();
    }

    /// <summary>The persisted model name, or null.</summary>
    public string? ModelName
    {
        get
        {
            lock (_gate)
            {
                return _stored[ModelNameKey] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            }
        }
    }

    /// <summary>Every catalog option with its current value (stored, else A1111's default).</summary>
    public JsonObject Read()
    {
        var result = new JsonObject();
        lock (_gate)
        {
            foreach (var (key, option) in SdApiOptionCatalog.Options)
            {
                var stored = _stored.TryGetPropertyValue(key, out var node) && option.Check(key, node).Error is null ? node : option.Default;
                result[key] = stored?.DeepClone();
            }
        }

        return result;
    }

    /// <summary>Stores already checked values and saves the file.</summary>
    public void Apply(IReadOnlyDictionary<string, JsonNode?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var (key, value) in values)
            {
                _stored[key] = value?.DeepClone();
            }

            Save();
        }
    }

    /// <summary>Persists the selected model's name (null clears it).</summary>
    public void SetModelName(string? name)
    {
        lock (_gate)
        {
            _stored[ModelNameKey] = name is null ? null : JsonValue.Create(name);
            Save();
        }
    }

    private JsonObject Load()
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(_path)) as JsonObject ?? [];
        }
        catch (JsonException ex)
        {
            _logger.LogWarning("{File} is not valid JSON ({Message}); starting from A1111's defaults", _path, ex.Message);
            return [];
        }
    }

    private void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temp = _path + ".tmp";
        File.WriteAllText(temp, _stored.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, _path, overwrite: true);
    }
}
