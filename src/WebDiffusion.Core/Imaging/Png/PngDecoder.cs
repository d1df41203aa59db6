using System.IO.Compression;

namespace WebDiffusion.Core.Imaging.Png;

/// <summary>
/// Decodes PNG files of every standard colour type and bit depth (including Adam7 interlacing) into RGBA8,
/// with their text chunks. Size limits are checked from IHDR before anything is decompressed, and the image
/// data is inflated only up to the exact size the header implies.
/// </summary>
public static class PngDecoder
{
    /// <summary>Decodes PNG bytes.</summary>
    /// <exception cref="InvalidImageException">Empty, truncated, corrupt or not a PNG.</exception>
    /// <exception cref="ImageTooLargeException">Past a limit of <paramref name="options"/>.</exception>
    public static DecodedPng Decode(ReadOnlyMemory<byte> data, PngDecoderOptions? options = null)
    {
        options ??= PngDecoderOptions.Default;
        var header = PngInfo.ReadHeader(data.Span);
        CheckPixelBudget(header, options);
        var parts = Scan(data, options, readTexts: true);
        var image = DecodePixels(data, header, parts);
        return new DecodedPng(image, header, parts.Texts);
    }

    /// <summary>Reads a whole stream (up to <see cref="PngDecoderOptions.MaxFileBytes"/>) and decodes it.</summary>
    public static DecodedPng Decode(Stream stream, PngDecoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= PngDecoderOptions.Default;
        return Decode(ReadAllBounded(stream, options.MaxFileBytes), options);
    }

    /// <summary>Reads only the header and the text chunks (anywhere in the file); the image data is not inflated.</summary>
    public static (PngHeader Header, IReadOnlyList<PngTextEntry> Texts) ReadTexts(ReadOnlyMemory<byte> data, PngDecoderOptions? options = null)
    {
        options ??= PngDecoderOptions.Default;
        var header = PngInfo.ReadHeader(data.Span);
        CheckPixelBudget(header, options);
        var parts = Scan(data, options, readTexts: true);
        return (header, parts.Texts);
    }

    internal static byte[] ReadAllBounded(Stream stream, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > maxBytes)
            {
                throw new ImageTooLargeException($"The file is larger than the {maxBytes} bytes allowed.");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    private static void CheckPixelBudget(PngHeader header, PngDecoderOptions options)
    {
        if (header.PixelCount > options.MaxPixels)
        {
            throw new ImageTooLargeException(
                $"The PNG is {header.Width}x{header.Height} ({header.PixelCount} pixels), more than the {options.MaxPixels} pixels allowed.");
        }
    }

    private static ScanResult Scan(ReadOnlyMemory<byte> data, PngDecoderOptions options, bool readTexts)
    {
        var result = new ScanResult();
        var reader = new PngChunkReader(data.Span);
        var sawIend = false;
        long textBytes = 0;
        var first = true;
        while (!sawIend && reader.TryNext(out var chunk))
        {
            var body = data.Slice(chunk.DataOffset, chunk.Length);
            if (first)
            {
                first = false;
                continue; // IHDR, validated by ReadHeader
            }

            switch (chunk.Type)
            {
                case PngChunk.Ihdr:
                    throw new InvalidImageException("The PNG file is corrupt: it has a second IHDR chunk.");
                case PngChunk.Plte:
                    if (chunk.Length % 3 != 0 || chunk.Length == 0 || chunk.Length > 768)
                    {
                        throw new InvalidImageException($"The PNG file is corrupt: the palette has an invalid length of {chunk.Length} bytes.");
                    }

                    result.Palette = body;
                    break;
                case PngChunk.Trns:
                    result.Transparency = body;
                    break;
                case PngChunk.Idat:
                    result.IdatSegments.Add((chunk.DataOffset, chunk.Length));
                    break;
                case PngChunk.Iend:
                    sawIend = true;
                    break;
                case PngChunk.Text or PngChunk.Ztxt or PngChunk.Itxt:
                    if (readTexts)
                    {
                        if (result.Texts.Count >= options.MaxTextChunks)
                        {
                            throw new ImageTooLargeException($"The PNG has more than the {options.MaxTextChunks} text chunks allowed.");
                        }

                        var entry = PngTextChunks.Parse(body, chunk.Type, options.MaxTextChunkBytes);
                        textBytes += entry.Text.Length;
                        if (textBytes > options.MaxTotalTextBytes)
                        {
                            throw new ImageTooLargeException($"The PNG text chunks hold more than the {options.MaxTotalTextBytes} bytes allowed in all.");
                        }

                        result.Texts.Add(entry);
                    }

                    break;
                default:
                    if (chunk.IsCritical)
                    {
                        throw new InvalidImageException($"The PNG file uses an unknown critical chunk '{chunk.TypeName}' and cannot be decoded.");
                    }

                    break;
            }
        }

        return result;
    }

    private static RgbaImage DecodePixels(ReadOnlyMemory<byte> data, PngHeader header, ScanResult parts)
    {
        if (parts.IdatSegments.Count == 0)
        {
            throw new InvalidImageException("The PNG file has no image data (no IDAT chunk).");
        }

        if (header.ColorType == PngColorType.Palette && parts.Palette.Length == 0)
        {
            throw new InvalidImageException("The PNG file is corrupt: a palette image without a PLTE chunk.");
        }

        var image = new RgbaImage(header.Width, header.Height);
        var expander = new PngRowExpander(header, parts.Palette.Span, parts.Transparency.Span);
        var bpp = Math.Max(1, header.BitsPerPixel / 8);
        var maxRow = checked((int)header.RowBytes(header.Width));
        var current = new byte[maxRow + 1];
        var previous = new byte[maxRow + 1];
        var scratch = header.Interlaced ? new byte[header.Width * 4] : [];

        using var idat = new ChunkedDataStream(data, parts.IdatSegments);
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        try
        {
            if (!header.Interlaced)
            {
                for (var y = 0; y < header.Height; y++)
                {
                    ReadRow(zlib, current, previous, maxRow, bpp);
                    expander.Expand(current.AsSpan(1, maxRow), header.Width, image.Row(y));
                    (current, previous) = (previous, current);
                }

                RefuseExcessData(zlib, header);
                return image;
            }

            for (var pass = 0; pass < 7; pass++)
            {
                var pw = Adam7.PassWidth(pass, header.Width);
                var ph = Adam7.PassHeight(pass, header.Height);
                if (pw == 0 || ph == 0)
                {
                    continue;
                }

                var rowBytes = (int)header.RowBytes(pw);
                Array.Clear(previous);
                for (var py = 0; py < ph; py++)
                {
                    ReadRow(zlib, current, previous, rowBytes, bpp);
                    expander.Expand(current.AsSpan(1, rowBytes), pw, scratch);
                    var y = Adam7.StartY[pass] + (py * Adam7.StepY[pass]);
                    var dest = image.Row(y);
                    for (var px = 0; px < pw; px++)
                    {
                        var x = Adam7.StartX[pass] + (px * Adam7.StepX[pass]);
                        scratch.AsSpan(px * 4, 4).CopyTo(dest[(x * 4)..]);
                    }

                    (current, previous) = (previous, current);
                }
            }

            RefuseExcessData(zlib, header);
            return image;
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidImageException("The PNG file is corrupt: its image data cannot be inflated.", ex);
        }
    }

    private static void RefuseExcessData(Stream zlib, PngHeader header)
    {
        Span<byte> probe = stackalloc byte[1];
        if (zlib.Read(probe) > 0)
        {
            throw new ImageTooLargeException(
                $"The PNG holds more image data than its {header.Width}x{header.Height} header describes; refused (a compression bomb or a corrupt file).");
        }
    }

    private static void ReadRow(Stream zlib, byte[] current, byte[] previous, int rowBytes, int bpp)
    {
        var read = zlib.ReadAtLeast(current.AsSpan(0, rowBytes + 1), rowBytes + 1, throwOnEndOfStream: false);
        if (read < rowBytes + 1)
        {
            throw new InvalidImageException("The PNG file is truncated: its image data ends before the last row.");
        }

        PngScanlines.Unfilter(current[0], current.AsSpan(1, rowBytes), previous.AsSpan(1, rowBytes), bpp);
    }

    private sealed class ScanResult
    {
        public ReadOnlyMemory<byte> Palette { get; set; }

        public ReadOnlyMemory<byte> Transparency { get; set; }

        public List<(int Offset, int Length)> IdatSegments { get; } = [];

        public List<PngTextEntry> Texts { get; } = [];
    }
}
