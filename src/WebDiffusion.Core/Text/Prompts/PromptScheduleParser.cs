using System.Globalization;
using System.Text;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Core.Text.Prompts;

/// <summary>
/// A1111's prompt editing and alternation (<c>get_learned_conditioning_prompt_schedules</c>):
/// <c>[from:to:when]</c>, <c>[to:when]</c>, <c>[from::when]</c>, <c>[a|b|c]</c>, nested, with emphasis brackets kept
/// as text. A prompt the grammar cannot parse is used verbatim for all steps, as in A1111.
/// </summary>
/// <remarks>
/// A recursive-descent parser over A1111's Lark grammar: at the top level, brackets that do not form a construct are
/// literal (<c>/[][():]/+</c>), a stray <c>|</c> or a trailing lone backslash makes the parse fail. Nesting deeper
/// than <see cref="MaxNestingDepth"/> also falls back to verbatim, so stack use is bounded; failed bracket positions
/// are remembered so that hostile input is parsed in roughly linear time.
/// </remarks>
public static class PromptScheduleParser
{
    /// <summary>Bracket nesting beyond which the prompt is used verbatim.</summary>
    public const int MaxNestingDepth = 100;

    /// <summary>
    /// The schedule of <paramref name="prompt"/> for <paramref name="steps"/> steps: entries of (end step, text),
    /// ascending, the last ending at <paramref name="steps"/>. With <paramref name="hiresSteps"/> the schedule is for
    /// the hires pass: fractions are read in 1–2 and integer steps are offset by <paramref name="steps"/>.
    /// </summary>
    /// <param name="prompt">One prompt (after extra networks were removed and <c>AND</c> was split).</param>
    /// <param name="steps">Sampling steps of the first pass, counted in denoiser calls.</param>
    /// <param name="hiresSteps">Steps of the hires pass to schedule instead, or null.</param>
    /// <param name="useOldScheduling">A1111's <c>use_old_scheduling</c> option.</param>
    public static IReadOnlyList<PromptScheduleEntry> GetSchedule(string prompt, int steps, int? hiresSteps = null, bool useOldScheduling = false)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (hiresSteps is not null)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(hiresSteps.Value, 1, nameof(hiresSteps));
        }

        var context = hiresSteps is null || useOldScheduling
            ? new ScheduleStepContext(steps, 0, 0, useOldScheduling)
            : new ScheduleStepContext(hiresSteps.Value, steps, 1.0, false);

        var tree = TryParse(prompt);
        if (tree is null)
        {
            return [new PromptScheduleEntry(context.Steps, prompt)];
        }

        var boundaries = new SortedSet<int> { context.Steps };
        tree.CollectSteps(context, boundaries);
        var result = new List<PromptScheduleEntry>(boundaries.Count);
        var builder = new StringBuilder(prompt.Length);
        foreach (var step in boundaries)
        {
            builder.Clear();
            tree.Render(builder, step);
            result.Add(new PromptScheduleEntry(step, builder.ToString()));
        }

        return result;
    }

    /// <summary>True when the prompt parses as editing/alternation syntax (false: it will be used verbatim).</summary>
    public static bool CanParse(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return TryParse(prompt) is not null;
    }

    private static PromptSequenceNode? TryParse(string prompt)
    {
        var parser = new Parser(prompt);
        try
        {
            return parser.ParseStart();
        }
        catch (TooDeepException)
        {
            return null;
        }
    }

    private sealed class TooDeepException : Exception
    {
    }

    private sealed class Parser(string text)
    {
        private readonly HashSet<int> _failedBrackets = [];
        private int _pos;

        public PromptSequenceNode? ParseStart()
        {
            var root = new PromptSequenceNode();
            while (true)
            {
                ParsePromptInto(root, 0);
                if (_pos >= text.Length)
                {
                    return root;
                }

                var c = text[_pos];
                if (c is '[' or ']' or '(' or ')' or ':')
                {
                    root.Children.Add(new PromptTextNode(c.ToString()));
                    _pos++;
                    continue;
                }

                return null; // '|' outside an alternation, or a lone trailing backslash
            }
        }

        /// <summary>prompt: (emphasized | scheduled | alternate | plain | WS)*; stops where none applies.</summary>
        private PromptSequenceNode ParsePrompt(int depth)
        {
            var sequence = new PromptSequenceNode();
            ParsePromptInto(sequence, depth);
            return sequence;
        }

        private void ParsePromptInto(PromptSequenceNode sequence, int depth)
        {
            var plain = new StringBuilder();
            while (_pos < text.Length)
            {
                var c = text[_pos];
                if (c is '[' or '(')
                {
                    var start = _pos;
                    var node = _failedBrackets.Contains(start) ? null : TryParseBracket(depth + 1);
                    if (node is null)
                    {
                        _failedBrackets.Add(start);
                        _pos = start;
                        break;
                    }

                    Flush(sequence, plain);
                    sequence.Children.Add(node);
                    continue;
                }

                if (c is ']' or ')' or ':' or '|')
                {
                    break;
                }

                if (c == '\\')
                {
                    if (_pos + 1 >= text.Length || text[_pos + 1] == '\n')
                    {
                        break;
                    }

                    plain.Append(c).Append(text[_pos + 1]);
                    _pos += 2;
                    continue;
                }

                plain.Append(c);
                _pos++;
            }

            Flush(sequence, plain);
        }

        private static void Flush(PromptSequenceNode sequence, StringBuilder plain)
        {
            if (plain.Length > 0)
            {
                sequence.Children.Add(new PromptTextNode(plain.ToString()));
                plain.Clear();
            }
        }

        private PromptScheduleNode? TryParseBracket(int depth)
        {
            if (depth > MaxNestingDepth)
            {
                throw new TooDeepException();
            }

            var open = text[_pos++];
            var first = ParsePrompt(depth);
            if (_pos >= text.Length)
            {
                return null;
            }

            var next = text[_pos];
            if (open == '(')
            {
                return next switch
                {
                    ')' => Emphasized(first, null),
                    ':' => ParseWeightedEmphasis(depth, first),
                    _ => null,
                };
            }

            switch (next)
            {
                case ']':
                    _pos++;
                    return Literal("[", first, "]");
                case '|':
                    var options = new List<PromptSequenceNode> { first };
                    while (_pos < text.Length && text[_pos] == '|')
                    {
                        _pos++;
                        options.Add(ParsePrompt(depth));
                    }

                    if (_pos >= text.Length || text[_pos] != ']')
                    {
                        return null;
                    }

                    _pos++;
                    return new PromptAlternationNode(options);
                case ':':
                    _pos++;
                    var afterColon = _pos;
                    if (TryParseWhen(out var when, out var whenValue))
                    {
                        return new PromptEditNode(null, first, when, whenValue);
                    }

                    _pos = afterColon;
                    var second = ParsePrompt(depth);
                    if (_pos >= text.Length || text[_pos] != ':')
                    {
                        return null;
                    }

                    _pos++;
                    return TryParseWhen(out when, out whenValue) ? new PromptEditNode(first, second, when, whenValue) : null;
                default:
                    return null;
            }
        }

        private PromptSequenceNode? ParseWeightedEmphasis(int depth, PromptSequenceNode first)
        {
            _pos++; // ':'
            var weight = ParsePrompt(depth);
            if (_pos >= text.Length || text[_pos] != ')')
            {
                return null;
            }

            return Emphasized(first, weight);
        }

        private PromptSequenceNode Emphasized(PromptSequenceNode inner, PromptSequenceNode? weight)
        {
            _pos++; // closing bracket
            var node = new PromptSequenceNode();
            node.Children.Add(new PromptTextNode("("));
            node.Children.Add(inner);
            if (weight is not null)
            {
                node.Children.Add(new PromptTextNode(":"));
                node.Children.Add(weight);
            }

            node.Children.Add(new PromptTextNode(")"));
            return node;
        }

        private static PromptSequenceNode Literal(string open, PromptSequenceNode inner, string close)
        {
            var node = new PromptSequenceNode();
            node.Children.Add(new PromptTextNode(open));
            node.Children.Add(inner);
            node.Children.Add(new PromptTextNode(close));
            return node;
        }

        /// <summary><c>[WS] NUMBER [WS] "]"</c> with Lark's SIGNED_NUMBER; consumes it on success.</summary>
        private bool TryParseWhen(out string when, out double value)
        {
            when = string.Empty;
            value = 0;
            var i = _pos;
            while (i < text.Length && ClipTextNormalizer.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var start = i;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            var intDigits = CountDigits(i);
            i += intDigits;
            var fractionDigits = 0;
            if (i < text.Length && text[i] == '.')
            {
                fractionDigits = CountDigits(i + 1);
                if (intDigits > 0 || fractionDigits > 0)
                {
                    i += 1 + fractionDigits;
                }
            }

            if (intDigits == 0 && fractionDigits == 0)
            {
                return false;
            }

            if (i < text.Length && text[i] is 'e' or 'E')
            {
                var j = i + 1;
                if (j < text.Length && text[j] is '+' or '-')
                {
                    j++;
                }

                var expDigits = CountDigits(j);
                if (expDigits > 0)
                {
                    i = j + expDigits;
                }
            }

            var end = i;
            while (i < text.Length && ClipTextNormalizer.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length || text[i] != ']')
            {
                return false;
            }

            when = text[start..end];
            value = double.Parse(when, NumberStyles.Float, CultureInfo.InvariantCulture);
            _pos = i + 1;
            return true;
        }

        private int CountDigits(int from)
        {
            var i = from;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            return i - from;
        }
    }
}
