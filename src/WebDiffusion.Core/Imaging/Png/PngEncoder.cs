using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Writes 8-bit RGB or RGBA PNG files with adaptive per-row filtering and text chunks.</summary>
public static class PngEncoder
{
    /// <summary>Encodes <paramref name="image"/> to PNG bytes.</summary>
    public static byte[] Encode(RgbaImage image, PngEncoderOptions? options = null)
    {
        using var output = new MemoryStream();
        Encode(image, output, options);
        return output.ToArray();
    }

    /// <summary>Encodes <paramref name="image"/> as PNG onto <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">A text keyword is empty, longer than 79 bytes, not Latin-1 or contains a NUL.</exception>
    public static void Encode(RgbaImage image, Stream output, PngEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(output);
        options ??= PngEncoderOptions.Default;
        if (options.CompressionLevel is < 0 or > 9)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"PNG compression level must be 0-9; got {options.CompressionLevel}.");
        }

        var alpha = options.Alpha switch
        {
            PngAlphaMode.Rgba => true,
            PngAlphaMode.Rgb => false,
            _ => !image.IsOpaque(),
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
        var rowBytes = image.Width * channels;
        var pool = ArrayPool<byte>.Shared;
        var raw = pool.Rent(rowBytes);
        var previous = pool.Rent(rowBytes);
        var candidates = pool.Rent((rowBytes + 1) * 5);
        try
        {
            Array.Clear(previous, 0, rowBytes);
            using var idat = new IdatWriterStream(output);
            using (var zlib = new ZLibStream(idat, new ZLibCompressionOptions { CompressionLevel = options.CompressionLevel }, leaveOpen: true))
            {
                for (var y = 0; y < image.Height; y++)
                {
                    var source = image.Row(y);
                    var row = raw.AsSpan(0, rowBytes);
                    if (alpha)
                    {
                        source.CopyTo(row);
                    }
                    else
                    {
                        for (int i = 0, j = 0; j < rowBytes; i += 4, j += 3)
                        {
                            row[j] = source[i];
                            row[j + 1] = source[i + 1];
                            row[j + 2] = source[i + 2];
                        }
                    }

                    zlib.Write(FilterRow(row, previous.AsSpan(0, rowBytes), channels, options.AdaptiveFiltering, candidates, rowBytes));
                    (raw, previous) = (previous, raw);
                }
            }

            idat.Complete();
        }
        finally
        {
            pool.Return(raw);
            pool.Return(previous);
            pool.Return(candidates);
        }
    }

    private static ReadOnlySpan<byte> FilterRow(ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int bpp, bool adaptive, byte[] candidates, int rowBytes)
    {
        var stride = rowBytes + 1;
        if (!adaptive)
        {
            candidates[0] = 0;
            row.CopyTo(candidates.AsSpan(1));
            return candidates.AsSpan(0, stride);
        }

        var best = 0;
        var bestSum = long.MaxValue;
        for (var f = 0; f < 5; f++)
        {
            var slot = candidates.AsSpan(f * stride, stride);
            slot[0] = (byte)f;
            PngScanlines.Filter((PngFilterType)f, row, previous, bpp, slot[1..]);
            var sum = PngScanlines.SumOfAbs(slot[1..]);
            if (sum < bestSum)
            {
                bestSum = sum;
                best = f;
            }
        }

        return candidates.AsSpan(best * stride, stride);
    }

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
