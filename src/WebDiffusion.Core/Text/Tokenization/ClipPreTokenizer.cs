using System.Globalization;
using System.Text;

namespace WebDiffusion.Core.Text.Tokenization;

/// <summary>
/// Splits cleaned text into the words CLIP's pre-tokenizer regex finds:
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>.
/// </summary>
/// <remarks>
/// A hand-written scanner rather than <see cref="System.Text.RegularExpressions.Regex"/>: .NET's regex classes work on
/// UTF-16 code units, so letters and digits outside the BMP (CJK extension B, mathematical alphanumerics) would not be
/// <c>\p{L}</c>/<c>\p{N}</c> as they are for Python's <c>regex</c> module. This scanner classifies whole code points,
/// tries the alternatives in the regex's order at each position, and allocates nothing.
/// </remarks>
internal static class ClipPreTokenizer
{
    /// <summary>The start-of-text marker.</summary>
    public const string StartOfText = "<|startoftext|>";

    /// <summary>The end-of-text marker.</summary>
    public const string EndOfText = "<|endoftext|>";

    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    /// <summary>Finds the next word at or after <paramref name="position"/>; false at the end of the text.</summary>
    public static bool TryNextWord(ReadOnlySpan<char> text, ref int position, out int start, out int length)
    {
        var i = position;
        while (i < text.Length)
        {
            var rest = text[i..];
            if (rest.StartsWith(StartOfText, StringComparison.OrdinalIgnoreCase))
            {
                return Found(ref position, i, StartOfText.Length, out start, out length);
            }

            if (rest.StartsWith(EndOfText, StringComparison.OrdinalIgnoreCase))
            {
                return Found(ref position, i, EndOfText.Length, out start, out length);
            }

            if (rest[0] == '\'')
            {
                foreach (var contraction in Contractions)
                {
                    if (rest.StartsWith(contraction, StringComparison.OrdinalIgnoreCase))
                    {
                        return Found(ref position, i, contraction.Length, out start, out length);
                    }
                }
            }

            var kind = Classify(rest, out var width);
            switch (kind)
            {
                case CharKind.Space:
                    i += width;
                    continue;
                case CharKind.Digit:
                    return Found(ref position, i, width, out start, out length);
                case CharKind.Letter:
                    return Found(ref position, i, RunLength(rest, CharKind.Letter), out start, out length);
                default:
                    return Found(ref position, i, RunLength(rest, CharKind.Other), out start, out length);
            }
        }

        position = text.Length;
        start = 0;
        length = 0;
        return false;
    }

    private static bool Found(ref int position, int start, int length, out int foundStart, out int foundLength)
    {
        foundStart = start;
        foundLength = length;
        position = start + length;
        return true;
    }

    private static int RunLength(ReadOnlySpan<char> text, CharKind kind)
    {
        var n = 0;
        while (n < text.Length)
        {
            if (Classify(text[n..], out var width) != kind)
            {
                break;
            }

            n += width;
        }

        return n;
    }

    private static CharKind Classify(ReadOnlySpan<char> text, out int width)
    {
        if (Rune.DecodeFromUtf16(text, out var rune, out width) != System.Buffers.OperationStatus.Done)
        {
            // A lone surrogate: neither letter, digit nor space.
            width = 1;
            return CharKind.Other;
        }

        if (rune.IsBmp && ClipTextNormalizer.IsWhiteSpace((char)rune.Value))
        {
            return CharKind.Space;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharKind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharKind.Digit,
            _ => CharKind.Other,
        };
    }

    private enum CharKind
    {
        Space,
        Letter,
        Digit,
        Other,
    }
}
