using System.Text.Json;

namespace WebDiffusion.Server.Api;

/// <summary>
/// How generation bodies are read: a field named twice is an error (which value would win is a guess, and JSON
/// libraries disagree), so <c>{"steps":4,"steps":40}</c> is refused naming the field instead of taking one silently.
/// </summary>
public static class RequestJson
{
    /// <summary>Options for reading request bodies.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { AllowDuplicateProperties = false };

    /// <summary>The same rule for bodies parsed as a document or node tree: a duplicate property is a <see cref="JsonException"/>.</summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new() { AllowDuplicateProperties = false };
}
