namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Cheap checks on PNG bytes that decode nothing: the signature and the IHDR header.</summary>
public static class PngInfo
{
    /// <summary>Bytes needed to read the header: 8 signature + 8 chunk header + 13 IHDR + 4 CRC.</summary>
    public const int HeaderLength = 33;

    internal static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>True when the bytes start with the PNG signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> data) => data.Length >= 8 && data[..8].SequenceEqual(Signature);

    /// <summary>Reads and validates the IHDR header from the first 33 bytes of a stream; reads nothing more.</summary>
    /// <exception cref="InvalidImageException">Not a PNG, truncated, or an invalid header.</exception>
    public static PngHeader ReadHeader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> buffer = stackalloc byte[HeaderLength];
        var read = stream.ReadAtLeast(buffer, HeaderLength, throwOnEndOfStream: false);
        return ReadHeader(buffer[..read]);
    }

    /// <summary>Reads and validates the IHDR header from the start of PNG bytes.</summary>
    /// <exception cref="InvalidImageException">Not a PNG, truncated, or an invalid header.</exception>
    public static PngHeader ReadHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            throw new InvalidImageException("The file is empty (0 bytes); expected a PNG image.");
        }

        if (!HasSignature(data))
        {
            throw new InvalidImageException("The file is not a PNG image (the PNG signature is missing).");
        }

        if (data.Length < HeaderLength)
        {
            throw new InvalidImageException("The PNG file is truncated: it ends inside the IHDR header.");
        }

        var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[8..]);
        if (length != 13 || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            throw new InvalidImageException("The PNG file is corrupt: the first chunk is not a 13-byte IHDR.");
        }

        var expectedCrc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data[29..]);
        if (PngCrc32.Compute(data.Slice(12, 17)) != expectedCrc)
        {
            throw new InvalidImageException("The PNG file is corrupt: the IHDR checksum does not match.");
        }

        return ParseIhdr(data.Slice(16, 13));
    }

    internal static PngHeader ParseIhdr(ReadOnlySpan<byte> ihdr)
    {
        var width = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(ihdr);
        var height = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]);
        int depth = ihdr[8];
        int colorType = ihdr[9];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw new InvalidImageException($"The PNG header is invalid: size {width}x{height}.");
        }

        if (ihdr[10] != 0 || ihdr[11] != 0)
        {
            throw new InvalidImageException("The PNG header is invalid: unknown compression or filter method.");
        }

        if (ihdr[12] > 1)
        {
            throw new InvalidImageException($"The PNG header is invalid: unknown interlace method {ihdr[12]}.");
        }

        var valid = colorType switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!valid)
        {
            throw new InvalidImageException($"The PNG header is invalid: colour type {colorType} with bit depth {depth}.");
        }

        return new PngHeader((int)width, (int)height, depth, (PngColorType)colorType, ihdr[12] == 1);
    }
}
