using System.Text.Json;
using System.Text.RegularExpressions;

namespace WebDiffusion.Core.Infotext;

/// <summary>A1111's <c>parse_generation_parameters</c>.</summary>
public static partial class InfotextParser
{
    /// <summary>Parses infotext into prompt, negative prompt and the parameter line's pairs.</summary>
    public static ParsedInfotext Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Trim().Split('\n').ToList();
        var lastLine = lines[^1];
        lines.RemoveAt(lines.Count - 1);
        if (ParamPattern().Matches(lastLine).Count < 3)
        {
            lines.Add(lastLine);
            lastLine = string.Empty;
        }

        var prompt = string.Empty;
        var negative = string.Empty;
        var doneWithPrompt = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.StartsWith("Negative prompt:", StringComparison.Ordinal))
            {
                doneWithPrompt = true;
                line = line[16..].Trim();
            }

            if (doneWithPrompt)
            {
                negative += (negative.Length == 0 ? string.Empty : "\n") + line;
            }
            else
            {
                prompt += (prompt.Length == 0 ? string.Empty : "\n") + line;
            }
        }

        var parameters = new List<KeyValuePair<string, string>>();
        foreach (Match match in ParamPattern().Matches(lastLine))
        {
            var key = match.Groups[1].Value;
            var value = match.Groups[2].Value;
            if (value.Length == 0)
            {
                continue; // A1111 fails on v[0] and skips the pair.
            }

            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = Unquote(value);
            }

            var size = SizePattern().Match(value);
            if (size.Success)
            {
                parameters.Add(new(key + "-1", size.Groups[1].Value));
                parameters.Add(new(key + "-2", size.Groups[2].Value));
            }
            else
            {
                parameters.Add(new(key, value));
            }
        }

        return new ParsedInfotext(prompt, negative, parameters);
    }

    /// <summary>JSON-decodes a quoted value; returns it unchanged when it is not valid JSON (A1111 <c>unquote</c>).</summary>
    public static string Unquote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            return JsonSerializer.Deserialize<string>(value) ?? value;
        }
        catch (JsonException)
        {
            return value;
        }
    }

    [GeneratedRegex("""\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)""")]
    private static partial Regex ParamPattern();

    [GeneratedRegex("""^(\d+)x(\d+)$""")]
    private static partial Regex SizePattern();
}
