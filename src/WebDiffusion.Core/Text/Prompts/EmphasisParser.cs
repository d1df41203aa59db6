using System.Globalization;
using System.Text;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Core.Text.Prompts;

/// <summary>
/// A1111's <c>parse_prompt_attention</c>: <c>(a)</c> ×1.1, <c>[a]</c> ÷1.1, <c>(a:1.5)</c> ×1.5, nesting multiplies,
/// unbalanced openers apply to the end, escapes <c>\( \) \[ \] \\</c>, <c>BREAK</c> markers, equal-weight runs merged.
/// </summary>
/// <remarks>
/// Iterative (no recursion), so any nesting depth is safe. Deliberate differences from A1111, both for inputs where
/// A1111 misbehaves: a <c>(text:weight)</c> whose weight is not a number (e.g. <c>:1.2.3)</c>) keeps the text
/// <c>:1.2.3</c> literally and closes the bracket with ×1.1 (A1111 raises an error); and a <c>BREAK</c> inside
/// brackets stays a break (A1111 multiplies its -1 marker and then tokenizes the word "break").
/// A lone backslash is dropped, as in A1111's code.
/// </remarks>
public static class EmphasisParser
{
    /// <summary>Multiplier of <c>( )</c>.</summary>
    public const double RoundMultiplier = 1.1;

    /// <summary>Multiplier of <c>[ ]</c>.</summary>
    public const double SquareMultiplier = 1 / 1.1;

    /// <summary>Parses emphasis; returns at least one run (<c>("", 1.0)</c> for empty text).</summary>
    public static IReadOnlyList<WeightedText> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var runs = new List<(string Text, double Weight, bool IsBreak)>();
        var round = new Stack<int>();
        var square = new Stack<int>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            switch (c)
            {
                case '\\':
                    if (i + 1 < text.Length && text[i + 1] is '(' or ')' or '[' or ']' or '\\')
                    {
                        runs.Add((text[i + 1].ToString(), 1.0, false));
                        i += 2;
                    }
                    else
                    {
                        runs.Add((string.Empty, 1.0, false)); // A1111 drops a lone backslash but keeps its (empty) run
                        i++;
                    }

                    break;
                case '(':
                    round.Push(runs.Count);
                    i++;
                    break;
                case '[':
                    square.Push(runs.Count);
                    i++;
                    break;
                case ':':
                    if (round.Count > 0 && TryReadWeight(text, i, out var weight, out var end))
                    {
                        Multiply(runs, round.Pop(), weight);
                        i = end;
                    }
                    else
                    {
                        AddText(runs, ":");
                        i++;
                    }

                    break;
                case ')':
                    if (round.Count > 0)
                    {
                        Multiply(runs, round.Pop(), RoundMultiplier);
                    }
                    else
                    {
                        AddText(runs, ")");
                    }

                    i++;
                    break;
                case ']':
                    if (square.Count > 0)
                    {
                        Multiply(runs, square.Pop(), SquareMultiplier);
                    }
                    else
                    {
                        AddText(runs, "]");
                    }

                    i++;
                    break;
                default:
                    var start = i;
                    while (i < text.Length && text[i] is not ('\\' or '(' or ')' or '[' or ']' or ':'))
                    {
                        i++;
                    }

                    AddText(runs, text[start..i]);
                    break;
            }
        }

        while (round.Count > 0)
        {
            Multiply(runs, round.Pop(), RoundMultiplier);
        }

        while (square.Count > 0)
        {
            Multiply(runs, square.Pop(), SquareMultiplier);
        }

        return Merge(runs);
    }

    /// <summary>
    /// At a ':' inside round brackets, A1111's <c>:\s*([+-]?[.\d]+)\s*\)</c>. Returns false when the pattern does not
    /// match; a match whose number does not parse is treated as literal text (see remarks on the class).
    /// </summary>
    private static bool TryReadWeight(string text, int colon, out double weight, out int end)
    {
        weight = 0;
        end = colon;
        var i = colon + 1;
        while (i < text.Length && ClipTextNormalizer.IsWhiteSpace(text[i]))
        {
            i++;
        }

        var numberStart = i;
        if (i < text.Length && text[i] is '+' or '-')
        {
            i++;
        }

        var digitsStart = i;
        while (i < text.Length && (text[i] == '.' || char.IsAsciiDigit(text[i])))
        {
            i++;
        }

        if (i == digitsStart)
        {
            return false;
        }

        var numberEnd = i;
        while (i < text.Length && ClipTextNormalizer.IsWhiteSpace(text[i]))
        {
            i++;
        }

        if (i >= text.Length || text[i] != ')')
        {
            return false;
        }

        if (!double.TryParse(text.AsSpan(numberStart, numberEnd - numberStart), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out weight))
        {
            return false;
        }

        end = i + 1;
        return true;
    }

    private static void Multiply(List<(string Text, double Weight, bool IsBreak)> runs, int start, double multiplier)
    {
        for (var p = start; p < runs.Count; p++)
        {
            if (!runs[p].IsBreak)
            {
                runs[p] = (runs[p].Text, runs[p].Weight * multiplier, false);
            }
        }
    }

    /// <summary>Adds text, splitting on A1111's <c>\s*\bBREAK\b\s*</c>.</summary>
    private static void AddText(List<(string Text, double Weight, bool IsBreak)> runs, string text)
    {
        var from = 0;
        var search = 0;
        while (true)
        {
            var at = text.IndexOf("BREAK", search, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            var after = at + 5;
            if ((at > 0 && IsWordChar(text[at - 1])) || (after < text.Length && IsWordChar(text[after])))
            {
                search = at + 1;
                continue;
            }

            var cutStart = at;
            while (cutStart > from && ClipTextNormalizer.IsWhiteSpace(text[cutStart - 1]))
            {
                cutStart--;
            }

            var cutEnd = after;
            while (cutEnd < text.Length && ClipTextNormalizer.IsWhiteSpace(text[cutEnd]))
            {
                cutEnd++;
            }

            if (cutStart > from)
            {
                runs.Add((text[from..cutStart], 1.0, false));
            }

            runs.Add((string.Empty, -1, true));
            from = cutEnd;
            search = cutEnd;
        }

        if (from < text.Length)
        {
            runs.Add((text[from..], 1.0, false));
        }
    }

    /// <summary>Python's <c>\w</c>: letters, digits, other numbers, underscore.</summary>
    internal static bool IsWordChar(char c) =>
        c == '_' || char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    private static List<WeightedText> Merge(List<(string Text, double Weight, bool IsBreak)> runs)
    {
        var result = new List<WeightedText>(runs.Count);
        var builder = new StringBuilder();
        var i = 0;
        while (i < runs.Count)
        {
            var run = runs[i];
            if (run.IsBreak)
            {
                result.Add(WeightedText.Break);
                i++;
                continue;
            }

            builder.Clear().Append(run.Text);
            var j = i + 1;
            while (j < runs.Count && !runs[j].IsBreak && runs[j].Weight.Equals(run.Weight))
            {
                builder.Append(runs[j].Text);
                j++;
            }

            result.Add(new WeightedText(builder.ToString(), run.Weight));
            i = j;
        }

        if (result.Count == 0)
        {
            result.Add(new WeightedText(string.Empty, 1.0));
        }

        return result;
    }
}
