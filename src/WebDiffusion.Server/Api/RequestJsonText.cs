using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebDiffusion.Server.Api;

/// <summary>
/// Finds a string in a parsed body that cannot become .NET text: invalid UTF-8 bytes or an escaped lone surrogate
/// (<c>"\ud800"</c>). The parser accepts both and only reading the string fails, so a body is checked once, up front, and
/// refused with a 400 naming the field instead of failing later with a 500.
/// </summary>
public static class RequestJsonText
{
    /// <summary>The JSON path of the first such string or property name (e.g. <c>$.imageList[1].name</c>), or null when all are valid.</summary>
    public static string? FindInvalid(JsonNode? node) => Find(node, "$");

    /// <summary>As <see cref="FindInvalid(JsonNode?)"/> for a document's element.</summary>
    public static string? FindInvalid(JsonElement element) => Find(element, "$");

    /// <summary>The sentence a 400 answers with for the string at <paramref name="path"/>.</summary>
    public static string Message(string path) =>
        $"The string at {path} is not valid Unicode text (invalid UTF-8 bytes or a lone UTF-16 surrogate such as \\ud800); send UTF-8 JSON.";

    private static string? Find(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                List<KeyValuePair<string, JsonNode?>> properties;
                try
                {
                    properties = [.. obj];
                }
                catch (InvalidOperationException)
                {
                    return path + " (a property name)";
                }

                foreach (var (name, value) in properties)
                {
                    if (Find(value, $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (Find(array[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try
                {
                    _ = value.GetValue<string>();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return path;
                }

            default:
                return null;
        }
    }

    private static string? Find(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path + " (a property name)";
                    }

                    if (Find(property.Value, $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, $"{path}[{i++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return path;
                }

            default:
                return null;
        }
    }
}
