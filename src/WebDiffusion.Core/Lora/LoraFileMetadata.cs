using System.Text.Json;
using System.Text.Json.Nodes;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Safetensors;

namespace WebDiffusion.Core.Lora;

/// <summary>
/// What A1111's <c>/sdapi/v1/loras</c> lists for a file, from its safetensors header only: the alias
/// (<c>ss_output_name</c>, else the file stem) and the <c>__metadata__</c> object, values that hold a JSON object decoded
/// (as A1111's <c>read_metadata_from_safetensors</c>). A file whose header cannot be read lists with its stem and no metadata.
/// </summary>
public static class LoraFileMetadata
{
    /// <summary>The alias and metadata of <paramref name="path"/>.</summary>
    public static (string Alias, JsonObject Metadata) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stem = Path.GetFileNameWithoutExtension(path);
        var metadata = new JsonObject();
        try
        {
            using var file = SafetensorsFile.Open(path);
            foreach (var (key, value) in file.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                metadata[key] = Decode(value);
            }

            return (file.Metadata.TryGetValue("ss_output_name", out var alias) && alias.Length > 0 ? alias : stem, metadata);
        }
        catch (Exception ex) when (ex is CheckpointFormatException or IOException or UnauthorizedAccessException)
        {
            return (stem, metadata);
        }
    }

    private static JsonNode? Decode(string value)
    {
        if (value.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(value);
            }
            catch (JsonException)
            {
                // A1111 keeps such a value as the string
            }
        }

        return JsonValue.Create(value);
    }
}
