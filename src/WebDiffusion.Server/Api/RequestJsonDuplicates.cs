using System.Text.Json;

namespace WebDiffusion.Server.Api;

/// <summary>
/// Names the first property that appears twice in one JSON object, with its full path (<c>$.imageList[0].data</c>):
/// the parser's own message shortens long names, and a client needs the whole one to fix its request.
/// </summary>
public static class RequestJsonDuplicates
{
    /// <summary>The path of the first repeated property in <paramref name="utf8"/>, or null when none (or when the JSON is not readable).</summary>
    public static string? Find(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        var frames = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        frames.Push(new Frame(ChildPath(frames), new HashSet<string>(StringComparer.Ordinal)));
                        break;
                    case JsonTokenType.StartArray:
                        frames.Push(new Frame(ChildPath(frames), null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.Pop();
                        ValueEnded(frames);
                        break;
                    case JsonTokenType.PropertyName:
                        var frame = frames.Peek();
                        var name = reader.GetString()!;
                        if (!frame.Names!.Add(name))
                        {
                            return $"{frame.Path}.{name}";
                        }

                        frame.Property = name;
                        break;
                    default:
                        ValueEnded(frames);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Unreadable JSON or text is reported by the caller's own checks.
        }

        return null;
    }

    /// <summary>The 422/400 sentence for a repeated property.</summary>
    public static string Message(string path) =>
        $"The property {path} appears more than once in the same object; send each field once (which copy would win is a guess).";

    private static string ChildPath(Stack<Frame> frames)
    {
        if (frames.Count == 0)
        {
            return "$";
        }

        var parent = frames.Peek();
        return parent.Names is not null ? $"{parent.Path}.{parent.Property}" : $"{parent.Path}[{parent.Index}]";
    }

    private static void ValueEnded(Stack<Frame> frames)
    {
        if (frames.Count > 0 && frames.Peek().Names is null)
        {
            frames.Peek().Index++;
        }
    }

    private sealed class Frame(string path, HashSet<string>? names)
    {
        public string Path { get; } = path;

        public HashSet<string>? Names { get; } = names;

        public string? Property { get; set; }

        public int Index { get; set; }
    }
}
