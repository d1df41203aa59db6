using System.Globalization;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Core.Text.Prompts;

/// <summary>
/// A1111's composable-diffusion split (<c>get_multicond_prompt_list</c>): the prompt is split on the whole word
/// <c>AND</c>; each part may end with <c>:weight</c> (e.g. <c>cat AND dog :0.5</c>). Hand-written rather than A1111's
/// regexes, whose lazy match is quadratic on long whitespace runs.
/// </summary>
public static class CompositePromptSplitter
{
    /// <summary>Splits <paramref name="prompt"/> into weighted sub-prompts (at least one).</summary>
    public static IReadOnlyList<SubPrompt> Split(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var parts = new List<SubPrompt>();
        var from = 0;
        var search = 0;
        while (true)
        {
            var at = prompt.IndexOf("AND", search, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            var after = at + 3;
            if ((at > 0 && EmphasisParser.IsWordChar(prompt[at - 1])) || (after < prompt.Length && EmphasisParser.IsWordChar(prompt[after])))
            {
                search = at + 1;
                continue;
            }

            parts.Add(ParseWeight(prompt[from..at]));
            from = after;
            search = after;
        }

        parts.Add(ParseWeight(prompt[from..]));
        return parts;
    }

    /// <summary>A1111's <c>^((?:\s|.)*?)(?:\s*:\s*([-+]?(?:\d+\.?|\d*\.\d+)))?\s*$</c>.</summary>
    private static SubPrompt ParseWeight(string part)
    {
        var colon = part.LastIndexOf(':');
        if (colon >= 0)
        {
            var number = part.AsSpan(colon + 1).Trim();
            number = TrimPythonWhiteSpace(number);
            if (IsWeightNumber(number) && double.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var weight))
            {
                return new SubPrompt(TrimEnd(part.AsSpan(0, colon)).ToString(), weight);
            }
        }

        return new SubPrompt(TrimEnd(part.AsSpan()).ToString(), 1.0);
    }

    private static bool IsWeightNumber(ReadOnlySpan<char> s)
    {
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            s = s[1..];
        }

        var dot = s.IndexOf('.');
        if (dot < 0)
        {
            return s.Length > 0 && !s.ContainsAnyExcept("0123456789");
        }

        var left = s[..dot];
        var right = s[(dot + 1)..];
        var leftOk = !left.ContainsAnyExcept("0123456789");
        var rightOk = !right.ContainsAnyExcept("0123456789");
        return leftOk && rightOk && (left.Length > 0 || right.Length > 0);
    }

    private static ReadOnlySpan<char> TrimPythonWhiteSpace(ReadOnlySpan<char> s)
    {
        var start = 0;
        while (start < s.Length && ClipTextNormalizer.IsWhiteSpace(s[start]))
        {
            start++;
        }

        return TrimEnd(s[start..]);
    }

    private static ReadOnlySpan<char> TrimEnd(ReadOnlySpan<char> s)
    {
        var end = s.Length;
        while (end > 0 && ClipTextNormalizer.IsWhiteSpace(s[end - 1]))
        {
            end--;
        }

        return s[..end];
    }
}
