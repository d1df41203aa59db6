using System.Globalization;
using System.Text;

namespace WebDiffusion.Core.Infotext;

/// <summary>Writes A1111's <c>parameters</c> text (<c>create_infotext</c>).</summary>
public static class InfotextWriter
{
    /// <summary>
    /// <c>prompt</c>, then <c>Negative prompt: …</c> when the negative is non-empty, then the parameter line in A1111 order;
    /// the whole text is trimmed, as A1111 strips it.
    /// </summary>
    public static string Write(string prompt, string? negativePrompt, GenerationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(parameters);
        var text = new StringBuilder(prompt);
        if (!string.IsNullOrEmpty(negativePrompt))
        {
            text.Append("\nNegative prompt: ").Append(negativePrompt);
        }

        text.Append('\n').Append(WriteParameterLine(parameters.InA1111Order()));
        return text.ToString().Trim();
    }

    /// <summary>The <c>Key: value, Key: value</c> line; a pair whose key equals its value is written as the key alone.</summary>
    public static string WriteParameterLine(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var line = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            if (line.Length > 0)
            {
                line.Append(", ");
            }

            line.Append(key);
            if (!string.Equals(key, value, StringComparison.Ordinal))
            {
                line.Append(": ").Append(Quote(value));
            }
        }

        return line.ToString();
    }

    /// <summary>
    /// A1111's <c>quote</c>: a value containing <c>,</c>, a newline or <c>:</c> becomes a JSON string (non-ASCII kept).
    /// We also quote a value that starts with <c>"</c>, which A1111 would write raw and then misread as JSON.
    /// </summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var needs = value.AsSpan().IndexOfAny(",\n:") >= 0 || value.StartsWith('"');
        return needs ? JsonString(value) : value;
    }

    /// <summary>Python's <c>json.dumps(value, ensure_ascii=False)</c> for a string.</summary>
    public static string JsonString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                default:
                    if (c < ' ')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }
}
