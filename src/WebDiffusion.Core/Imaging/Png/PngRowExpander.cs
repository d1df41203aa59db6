namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Expands one unfiltered scanline of any PNG format into RGBA8 pixels.</summary>
internal sealed class PngRowExpander
{
    private readonly PngHeader _header;
    private readonly byte[] _palette;
    private readonly int _transparentGray = -1;
    private readonly int _transparentR = -1;
    private readonly int _transparentG = -1;
    private readonly int _transparentB = -1;

    public PngRowExpander(PngHeader header, ReadOnlySpan<byte> plte, ReadOnlySpan<byte> trns)
    {
        _header = header;
        _palette = [];
        if (header.ColorType == PngColorType.Palette)
        {
            var entries = plte.Length / 3;
            _palette = new byte[256 * 4];
            for (var i = 0; i < 256; i++)
            {
                _palette[(i * 4) + 3] = 255;
            }

            for (var i = 0; i < entries; i++)
            {
                _palette[i * 4] = plte[i * 3];
                _palette[(i * 4) + 1] = plte[(i * 3) + 1];
                _palette[(i * 4) + 2] = plte[(i * 3) + 2];
            }

            for (var i = 0; i < Math.Min(trns.Length, entries); i++)
            {
                _palette[(i * 4) + 3] = trns[i];
            }
        }
        else if (header.ColorType == PngColorType.Grayscale && trns.Length >= 2)
        {
            _transparentGray = (trns[0] << 8) | trns[1];
        }
        else if (header.ColorType == PngColorType.Rgb && trns.Length >= 6)
        {
            _transparentR = (trns[0] << 8) | trns[1];
            _transparentG = (trns[2] << 8) | trns[3];
            _transparentB = (trns[4] << 8) | trns[5];
        }
    }

    /// <summary>Expands <paramref name="width"/> pixels of <paramref name="row"/> into <paramref name="rgba"/> (4 bytes each).</summary>
    public void Expand(ReadOnlySpan<byte> row, int width, Span<byte> rgba)
    {
        var depth = _header.BitDepth;
        switch (_header.ColorType)
        {
            case PngColorType.Grayscale when depth < 8:
                ExpandLowGray(row, width, rgba, depth);
                break;
            case PngColorType.Palette:
                ExpandPalette(row, width, rgba, depth);
                break;
            case PngColorType.Grayscale:
                for (var x = 0; x < width; x++)
                {
                    int raw = depth == 8 ? row[x] : (row[x * 2] << 8) | row[(x * 2) + 1];
                    var v = depth == 8 ? row[x] : row[x * 2];
                    rgba[x * 4] = v;
                    rgba[(x * 4) + 1] = v;
                    rgba[(x * 4) + 2] = v;
                    rgba[(x * 4) + 3] = raw == _transparentGray ? (byte)0 : (byte)255;
                }

                break;
            case PngColorType.GrayscaleAlpha:
                var gaStep = depth / 8 * 2;
                var aOffset = depth / 8;
                for (var x = 0; x < width; x++)
                {
                    var v = row[x * gaStep];
                    rgba[x * 4] = v;
                    rgba[(x * 4) + 1] = v;
                    rgba[(x * 4) + 2] = v;
                    rgba[(x * 4) + 3] = row[(x * gaStep) + aOffset];
                }

                break;
            case PngColorType.Rgb:
                ExpandRgb(row, width, rgba, depth);
                break;
            default:
                if (depth == 8)
                {
                    row[..(width * 4)].CopyTo(rgba);
                }
                else
                {
                    for (var i = 0; i < width * 4; i++)
                    {
                        rgba[i] = row[i * 2];
                    }
                }

                break;
        }
    }

    private void ExpandRgb(ReadOnlySpan<byte> row, int width, Span<byte> rgba, int depth)
    {
        var hasKey = _transparentR >= 0;
        if (depth == 8)
        {
            for (var x = 0; x < width; x++)
            {
                byte r = row[x * 3], g = row[(x * 3) + 1], b = row[(x * 3) + 2];
                rgba[x * 4] = r;
                rgba[(x * 4) + 1] = g;
                rgba[(x * 4) + 2] = b;
                rgba[(x * 4) + 3] = hasKey && r == _transparentR && g == _transparentG && b == _transparentB ? (byte)0 : (byte)255;
            }

            return;
        }

        for (var x = 0; x < width; x++)
        {
            var o = x * 6;
            int r = (row[o] << 8) | row[o + 1], g = (row[o + 2] << 8) | row[o + 3], b = (row[o + 4] << 8) | row[o + 5];
            rgba[x * 4] = row[o];
            rgba[(x * 4) + 1] = row[o + 2];
            rgba[(x * 4) + 2] = row[o + 4];
            rgba[(x * 4) + 3] = hasKey && r == _transparentR && g == _transparentG && b == _transparentB ? (byte)0 : (byte)255;
        }
    }

    private void ExpandLowGray(ReadOnlySpan<byte> row, int width, Span<byte> rgba, int depth)
    {
        var max = (1 << depth) - 1;
        for (var x = 0; x < width; x++)
        {
            var raw = Sample(row, x, depth);
            var v = (byte)(raw * 255 / max);
            rgba[x * 4] = v;
            rgba[(x * 4) + 1] = v;
            rgba[(x * 4) + 2] = v;
            rgba[(x * 4) + 3] = raw == _transparentGray ? (byte)0 : (byte)255;
        }
    }

    private void ExpandPalette(ReadOnlySpan<byte> row, int width, Span<byte> rgba, int depth)
    {
        var palette = _palette;
        for (var x = 0; x < width; x++)
        {
            var index = depth == 8 ? row[x] : Sample(row, x, depth);
            palette.AsSpan(index * 4, 4).CopyTo(rgba[(x * 4)..]);
        }
    }

    private static int Sample(ReadOnlySpan<byte> row, int x, int depth)
    {
        var bit = x * depth;
        return (row[bit >> 3] >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    }
}
