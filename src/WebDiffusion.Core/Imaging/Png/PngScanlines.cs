namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Reverses PNG scanline filters (the encoder's side is <see cref="PngFilterKernels"/>).</summary>
internal static class PngScanlines
{
    /// <summary>Reverses filter <paramref name="filter"/> in place on <paramref name="row"/>; <paramref name="previous"/> is the unfiltered previous row (zeros for the first).</summary>
    public static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int bpp)
    {
        switch ((PngFilterType)filter)
        {
            case PngFilterType.None:
                break;
            case PngFilterType.Sub:
                for (var i = bpp; i < row.Length; i++)
                {
                    row[i] += row[i - bpp];
                }

                break;
            case PngFilterType.Up:
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] += previous[i];
                }

                break;
            case PngFilterType.Average:
                for (var i = 0; i < bpp; i++)
                {
                    row[i] += (byte)(previous[i] >> 1);
                }

                for (var i = bpp; i < row.Length; i++)
                {
                    row[i] += (byte)((row[i - bpp] + previous[i]) >> 1);
                }

                break;
            case PngFilterType.Paeth:
                for (var i = 0; i < bpp; i++)
                {
                    row[i] += previous[i];
                }

                for (var i = bpp; i < row.Length; i++)
                {
                    row[i] += Paeth(row[i - bpp], previous[i], previous[i - bpp]);
                }

                break;
            default:
                throw new InvalidImageException($"The PNG file is corrupt: unknown scanline filter type {filter}.");
        }
    }

    public static byte Paeth(byte a, byte b, byte c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }

        return pb <= pc ? b : c;
    }
}
