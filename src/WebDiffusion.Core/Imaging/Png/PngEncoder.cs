using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Writes 8-bit RGB or RGBA PNG files with adaptive per-row filtering and text chunks.</summary>
public static class PngEncoder
{
    /// <summary>About how many filtered bytes make a band: the unit written to the compressor, and compressed in parallel.</summary>
    private const int BandBytes = 256 * 1024;

    /// <summary>Encodes <paramref name="image"/> to PNG bytes.</summary>
    public static byte[] Encode(RgbaImage image, PngEncoderOptions? options = null)
    {
        using var output = new PooledBufferStream((int)Math.Min((long)image.Width * image.Height * 2, 16 << 20));
        Encode(image, output, options);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Encodes <paramref name="image"/> as PNG onto <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">A text keyword is empty, longer than 79 bytes, not Latin-1 or contains a NUL.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The level, strategy or parallelism in <paramref name="options"/> is out of range.</exception>
    public static void Encode(RgbaImage image, Stream output, PngEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        options ??= PngEncoderOptions.Default;
        if (options.CompressionLevel is < 0 or > 9)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"PNG compression level must be 0-9; got {options.CompressionLevel}.");
        }

        if (!Enum.IsDefined(options.CompressionStrategy))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Unknown zlib compression strategy {options.CompressionStrategy}.");
        }

        if (options.MaxDegreeOfParallelism is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"PNG encoder parallelism must be -1 (all processors) or at least 1; got {options.MaxDegreeOfParallelism}.");
        }

        var alpha = options.Alpha switch
        {
            PngAlphaMode.Rgba => true,
            PngAlphaMode.Rgb => false,
            _ => !PngFilterKernels.IsOpaque(image.Pixels),
        };

        output.Write(PngInfo.Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)image.Height);
        ihdr[8] = 8;
        ihdr[9] = alpha ? (byte)PngColorType.Rgba : (byte)PngColorType.Rgb;
        WriteChunk(output, PngChunk.Ihdr, ihdr);
        foreach (var (keyword, text) in options.Texts)
        {
            WriteTextChunk(output, keyword, text);
        }

        WriteImageData(image, output, alpha, options);
        WriteChunk(output, PngChunk.Iend, []);
    }

    private static void WriteImageData(RgbaImage image, Stream output, bool alpha, PngEncoderOptions options)
    {
        var channels = alpha ? 4 : 3;
        var stride = (image.Width * channels) + 1;
        var bandRows = Math.Clamp(BandBytes / stride, 1, image.Height);
        using var idat = new IdatWriterStream(output);
        if (image.Height <= bandRows || !TryWriteBands(image, idat, alpha, bandRows, options))
        {
            WriteSingleStream(image, idat, alpha, bandRows, options);
        }

        idat.Complete();
    }

    /// <summary>Filters and compresses the image through one <see cref="ZLibStream"/>, a band of rows at a time.</summary>
    private static void WriteSingleStream(RgbaImage image, Stream idat, bool alpha, int bandRows, PngEncoderOptions options)
    {
        using var scratch = new PngBandFilter(image.Width, alpha, bandRows, options.AdaptiveFiltering);
        using var zlib = new ZLibStream(idat, CompressionOptions(options), leaveOpen: true);
        for (var y0 = 0; y0 < image.Height; y0 += bandRows)
        {
            var rows = Math.Min(bandRows, image.Height - y0);
            zlib.Write(scratch.Filter(image, y0, rows));
        }
    }

    /// <summary>
    /// Filters and deflates bands of rows in parallel, each into raw deflate data ending in a sync flush (the last one
    /// in the final block), and joins them into one zlib stream as pigz does. Bands start without the previous band's
    /// window, which costs little because filtered rows mostly repeat locally. False, having written nothing, when the
    /// runtime's deflate did not end a band on a byte-aligned sync flush.
    /// </summary>
    private static bool TryWriteBands(RgbaImage image, Stream idat, bool alpha, int bandRows, PngEncoderOptions options)
    {
        var bandCount = (image.Height + bandRows - 1) / bandRows;
        var bands = new PooledBufferStream?[bandCount];
        var checksums = new uint[bandCount];
        var lengths = new long[bandCount];
        var compression = CompressionOptions(options);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
        try
        {
            Parallel.For(0, bandCount, parallel, () => new PngBandFilter(image.Width, alpha, bandRows, options.AdaptiveFiltering), (band, _, scratch) =>
            {
                var y0 = band * bandRows;
                var filtered = scratch.Filter(image, y0, Math.Min(bandRows, image.Height - y0));
                checksums[band] = ZlibAdler32.Update(1, filtered);
                lengths[band] = filtered.Length;
                var compressed = new PooledBufferStream((filtered.Length / 2) + 64);
                var last = band == bandCount - 1;
                var flushed = 0L;
                using (var deflate = new DeflateStream(compressed, compression, leaveOpen: true))
                {
                    deflate.Write(filtered);
                    if (!last)
                    {
                        deflate.Flush();
                        flushed = compressed.Length;
                    }
                }

                if (!last)
                {
                    // Disposing appended a final block after the sync flush; the next band continues the stream instead.
                    lengths[band] = EndsWithSyncFlush(compressed, flushed) ? lengths[band] : -1;
                    compressed.SetLength(flushed);
                }

                bands[band] = compressed;
                return scratch;
            }, scratch => scratch.Dispose());

            if (lengths.Any(length => length < 0))
            {
                return false;
            }

            idat.Write([0x78, ZlibFlags(compression)]);
            var adler = 1u;
            for (var band = 0; band < bandCount; band++)
            {
                idat.Write(bands[band]!.WrittenSpan);
                adler = ZlibAdler32.Combine(adler, checksums[band], lengths[band]);
            }

            Span<byte> trailer = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(trailer, adler);
            idat.Write(trailer);
            return true;
        }
        finally
        {
            foreach (var band in bands)
            {
                band?.Dispose();
            }
        }
    }

    /// <summary>The zlib header's FLG byte after CMF 0x78 (deflate, 32 KiB window): FLEVEL as zlib sets it, no dictionary, check bits.</summary>
    private static byte ZlibFlags(ZLibCompressionOptions compression)
    {
        if (compression.CompressionLevel <= 1 || compression.CompressionStrategy != ZLibCompressionStrategy.Default)
        {
            return 0x01;
        }

        return compression.CompressionLevel switch
        {
            < 6 => 0x5E,
            6 => 0x9C,
            _ => 0xDA,
        };
    }

    /// <summary>Whether the first <paramref name="length"/> bytes end with a sync flush's empty stored block: LEN 0x0000, NLEN 0xFFFF.</summary>
    private static bool EndsWithSyncFlush(PooledBufferStream compressed, long length) =>
        length >= 4 && compressed.WrittenSpan[..(int)length].EndsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFF, 0xFF]);

    private static ZLibCompressionOptions CompressionOptions(PngEncoderOptions options) => new()
    {
        CompressionLevel = options.CompressionLevel,
        CompressionStrategy = options.CompressionStrategy,
    };

    private static void WriteTextChunk(Stream output, string keyword, string text)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        ArgumentNullException.ThrowIfNull(text);
        if (keyword.Length is 0 or > 79 || !IsLatin1(keyword) || keyword.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"PNG text keyword '{keyword}' must be 1-79 Latin-1 characters without NUL.", nameof(keyword));
        }

        var keyBytes = Encoding.Latin1.GetBytes(keyword);
        if (IsLatin1(text))
        {
            var body = new byte[keyBytes.Length + 1 + text.Length];
            keyBytes.CopyTo(body, 0);
            Encoding.Latin1.GetBytes(text, body.AsSpan(keyBytes.Length + 1));
            WriteChunk(output, PngChunk.Text, body);
            return;
        }

        var utf8 = Encoding.UTF8.GetBytes(text);
        var itxt = new byte[keyBytes.Length + 5 + utf8.Length];
        keyBytes.CopyTo(itxt, 0);

        // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL
        utf8.CopyTo(itxt, keyBytes.Length + 5);
        WriteChunk(output, PngChunk.Itxt, itxt);
    }

    private static bool IsLatin1(string s)
    {
        foreach (var c in s)
        {
            if (c > '\u00FF')
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteChunk(Stream output, uint type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], type);
        output.Write(header);
        output.Write(data);
        var crc = PngCrc32.Append(PngCrc32.Compute(header[4..]), data);
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        output.Write(crcBytes);
    }
}
