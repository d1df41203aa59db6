namespace WebDiffusion.Core.Text.Tokenization;

/// <summary>
/// CLIP's reversible byte ↔ printable-character mapping (<c>bytes_to_unicode</c>): printable Latin-1 bytes map to
/// themselves, the other 68 bytes map to U+0100 onwards. The order of <see cref="BytesInVocabOrder"/> is the order of the
/// first 256 vocabulary entries.
/// </summary>
internal static class ClipByteAlphabet
{
    /// <summary>Vocabulary order: entry i is the byte whose symbol has id i (and i + 256 with <c>&lt;/w&gt;</c>).</summary>
    public static readonly byte[] BytesInVocabOrder = BuildOrder();

    /// <summary>The printable character standing for each byte value.</summary>
    public static readonly char[] CharForByte = BuildChars();

    /// <summary>The vocabulary rank (0–255) of each byte value.</summary>
    public static readonly int[] RankOfByte = BuildRanks();

    private static bool IsPrintable(int b) => (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);

    private static byte[] BuildOrder()
    {
        var order = new byte[256];
        var n = 0;
        for (var b = 0; b < 256; b++)
        {
            if (IsPrintable(b))
            {
                order[n++] = (byte)b;
            }
        }

        for (var b = 0; b < 256; b++)
        {
            if (!IsPrintable(b))
            {
                order[n++] = (byte)b;
            }
        }

        return order;
    }

    private static char[] BuildChars()
    {
        var chars = new char[256];
        var extra = 0;
        for (var b = 0; b < 256; b++)
        {
            chars[b] = IsPrintable(b) ? (char)b : (char)(256 + extra++);
        }

        return chars;
    }

    private static int[] BuildRanks()
    {
        var ranks = new int[256];
        var order = BuildOrder();
        for (var i = 0; i < order.Length; i++)
        {
            ranks[order[i]] = i;
        }

        return ranks;
    }
}
