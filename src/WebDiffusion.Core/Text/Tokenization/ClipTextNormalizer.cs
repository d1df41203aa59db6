using System.Net;
using System.Text;

namespace WebDiffusion.Core.Text.Tokenization;

/// <summary>
/// CLIP's text cleanup without ftfy: HTML entities unescaped twice, every run of whitespace collapsed to one space,
/// leading/trailing whitespace stripped, then lower-cased (as OpenAI's <c>SimpleTokenizer</c> and HF's CLIPTokenizer do).
/// </summary>
public static class ClipTextNormalizer
{
    /// <summary>Returns the cleaned text.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('&', StringComparison.Ordinal))
        {
            text = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text));
        }

        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        var cleaned = builder.ToString().ToLowerInvariant();

        // Python's str.lower() maps U+0130 (capital I with dot) to "i" + combining dot above.
        return cleaned.Contains('\u0130', StringComparison.Ordinal) ? cleaned.Replace("\u0130", "i\u0307", StringComparison.Ordinal) : cleaned;
    }

    /// <summary>Python's <c>str.isspace</c> (what <c>\s</c> matches in a Unicode regex): .NET whitespace plus U+001C–U+001F.</summary>
    public static bool IsWhiteSpace(char c) => char.IsWhiteSpace(c) || (c >= '\u001C' && c <= '\u001F');
}
