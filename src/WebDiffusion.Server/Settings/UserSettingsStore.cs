using System.Text.Json;
using System.Text.Json.Nodes;
using WebDiffusion.Server.Hosting;

namespace WebDiffusion.Server.Settings;

/// <summary>UI settings persisted as settings.json in the data folder (written to a temp file, then renamed).</summary>
public sealed class UserSettingsStore(WebDiffusionPaths paths)
{
    private static readonly Dictionary<string, JsonValueKind[]> Known = new(StringComparer.Ordinal)
    {
        ["defaultSampler"] = [JsonValueKind.String],
        ["defaultScheduler"] = [JsonValueKind.String],
        ["defaultSteps"] = [JsonValueKind.Number],
        ["defaultWidth"] = [JsonValueKind.Number],
        ["defaultHeight"] = [JsonValueKind.Number],
        ["defaultCfgScale"] = [JsonValueKind.Number],
        ["saveImages"] = [JsonValueKind.True, JsonValueKind.False], // written by earlier UIs; outputs are always kept
        ["theme"] = [JsonValueKind.String],
        ["language"] = [JsonValueKind.String],
    };

    private readonly Lock _gate = new();

    private string FilePath => Path.Combine(paths.DataDir, "settings.json");

    public JsonObject Read()
    {
        lock (_gate)
        {
            return File.Exists(FilePath) && JsonNode.Parse(File.ReadAllText(FilePath)) is JsonObject obj ? obj : [];
        }
    }

    /// <summary>Merges <paramref name="changes"/> into the stored settings; returns the problems, or none.</summary>
    public IReadOnlyList<string> Merge(JsonElement changes, out JsonObject merged)
    {
        merged = Read();
        var problems = new List<string>();
        if (changes.ValueKind != JsonValueKind.Object)
        {
            problems.Add("Settings must be a JSON object.");
            return problems;
        }

        foreach (var property in changes.EnumerateObject())
        {
            if (!Known.TryGetValue(property.Name, out var kinds))
            {
                problems.Add($"Unknown setting '{property.Name}'.");
            }
            else if (!kinds.Contains(property.Value.ValueKind))
            {
                problems.Add($"Setting '{property.Name}' has the wrong type.");
            }
            else
            {
                merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        lock (_gate)
        {
            Directory.CreateDirectory(paths.DataDir);
            File.WriteAllText(FilePath + ".tmp", merged.ToJsonString());
            File.Move(FilePath + ".tmp", FilePath, overwrite: true);
        }

        return problems;
    }
}
