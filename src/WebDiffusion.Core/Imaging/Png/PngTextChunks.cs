using System.Text;

namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Parses tEXt, zTXt and iTXt chunk data.</summary>
internal static class PngTextChunks
{
    public static PngTextEntry Parse(ReadOnlyMemory<byte> data, uint type, int maxTextBytes)
    {
        var span = data.Span;
        var nul = span.IndexOf((byte)0);
        if (nul < 1 || nul > 79)
        {
            throw new InvalidImageException("The PNG file has a corrupt text chunk: its keyword is missing or longer than 79 bytes.");
        }

        var keyword = Encoding.Latin1.GetString(span[..nul]);
        var rest = data[(nul + 1)..];
        switch (type)
        {
            case PngChunk.Text:
                CheckStoredSize(rest.Length, maxTextBytes, keyword);
                return new PngTextEntry(keyword, Encoding.Latin1.GetString(rest.Span), PngTextKind.Text);
            case PngChunk.Ztxt:
                if (rest.Length < 1 || rest.Span[0] != 0)
                {
                    throw new InvalidImageException($"The PNG zTXt chunk '{keyword}' uses an unknown compression method.");
                }

                var inflated = BoundedInflater.Inflate(rest[1..], maxTextBytes, $"zTXt chunk '{keyword}'");
                return new PngTextEntry(keyword, Encoding.Latin1.GetString(inflated), PngTextKind.CompressedText);
            default:
                return ParseInternational(keyword, rest, maxTextBytes);
        }
    }

    private static PngTextEntry ParseInternational(string keyword, ReadOnlyMemory<byte> rest, int maxTextBytes)
    {
        var span = rest.Span;
        if (span.Length < 2)
        {
            throw new InvalidImageException($"The PNG iTXt chunk '{keyword}' is truncated.");
        }

        var compressed = span[0] == 1;
        if (span[0] > 1 || (compressed && span[1] != 0))
        {
            throw new InvalidImageException($"The PNG iTXt chunk '{keyword}' uses an unknown compression flag or method.");
        }

        var afterLanguage = span[2..].IndexOf((byte)0);
        if (afterLanguage < 0)
        {
            throw new InvalidImageException($"The PNG iTXt chunk '{keyword}' is truncated (no language tag terminator).");
        }

        var translatedStart = 2 + afterLanguage + 1;
        var afterTranslated = span[translatedStart..].IndexOf((byte)0);
        if (afterTranslated < 0)
        {
            throw new InvalidImageException($"The PNG iTXt chunk '{keyword}' is truncated (no translated keyword terminator).");
        }

        var text = rest[(translatedStart + afterTranslated + 1)..];
        if (compressed)
        {
            text = BoundedInflater.Inflate(text, maxTextBytes, $"iTXt chunk '{keyword}'");
        }
        else
        {
            CheckStoredSize(text.Length, maxTextBytes, keyword);
        }

        return new PngTextEntry(keyword, Encoding.UTF8.GetString(text.Span), PngTextKind.InternationalText);
    }

    private static void CheckStoredSize(int length, int max, string keyword)
    {
        if (length > max)
        {
            throw new ImageTooLargeException($"The PNG text chunk '{keyword}' holds {length} bytes, more than the {max} allowed.");
        }
    }
}
