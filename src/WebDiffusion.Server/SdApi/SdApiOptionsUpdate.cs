using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebDiffusion.Server.SdApi;

/// <summary>A checked <c>POST /sdapi/v1/options</c> body: the changes to store, the problems, and what is ignored.</summary>
public sealed class SdApiOptionsUpdate
{
    private SdApiOptionsUpdate()
    {
    }

    /// <summary>Known, valid, writable options to store.</summary>
    public Dictionary<string, JsonNode?> Changes { get; } = new(StringComparer.Ordinal);

    /// <summary>Type or range errors by key; when any, nothing is applied.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Keys ignored (unknown to us, or read-only here), with the reason, for the log.</summary>
    public Dictionary<string, string> Ignored { get; } = new(StringComparer.Ordinal);

    /// <summary>True when the body names <c>sd_model_checkpoint</c>.</summary>
    public bool ModelRequested { get; private set; }

    /// <summary>The requested model (title, name or hash), or null to clear the selection.</summary>
    public string? RequestedModel { get; private set; }

    /// <summary>Sorts the keys of <paramref name="body"/> against the catalog and <paramref name="current"/> values.</summary>
    public static SdApiOptionsUpdate Parse(JsonObject body, JsonObject current)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(current);
        var update = new SdApiOptionsUpdate();
        foreach (var (key, value) in body)
        {
            if (key == SdApiOptionCatalog.ModelCheckpointKey)
            {
                update.ReadModel(value);
            }
            else if (key == SdApiOptionCatalog.CheckpointHashKey)
            {
                // Derived from the selected model; clients echo it back with the rest of GET /options.
                continue;
            }
            else if (!SdApiOptionCatalog.Options.TryGetValue(key, out var option))
            {
                update.Ignored[key] = "not an option WebDiffusion supports";
            }
            else
            {
                var (normalized, error) = option.Check(key, value);
                if (error is not null)
                {
                    update.Errors[key] = error;
                }
                else if (option.ReadOnly)
                {
                    if (!JsonNode.DeepEquals(normalized, current[key]))
                    {
                        update.Ignored[key] = "read-only through the API here (output folders, file name patterns and URL fetching)";
                    }
                }
                else
                {
                    update.Changes[key] = normalized;
                }
            }
        }

        return update;
    }

    private void ReadModel(JsonNode? value)
    {
        switch (value?.GetValueKind() ?? JsonValueKind.Null)
        {
            case JsonValueKind.Null:
                ModelRequested = true;
                RequestedModel = null;
                break;
            case JsonValueKind.String:
                ModelRequested = true;
                RequestedModel = value!.GetValue<string>();
                break;
            default:
                Errors[SdApiOptionCatalog.ModelCheckpointKey] = $"'{SdApiOptionCatalog.ModelCheckpointKey}' must be a model title or name (a string).";
                break;
        }
    }
}
