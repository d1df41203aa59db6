using System.Buffers.Binary;
using System.Text;

namespace WebDiffusion.Core.Infotext.Metadata;

/// <summary>Finds and decodes the EXIF <c>UserComment</c> tag (0x9286) in TIFF-structured EXIF bytes.</summary>
public static class ExifUserComment
{
    private const ushort ExifIfdPointer = 0x8769;
    private const ushort UserCommentTag = 0x9286;

    /// <summary>
    /// Reads the UserComment from EXIF bytes (a TIFF header, optionally preceded by <c>Exif\0\0</c>); null when absent
    /// or the structure is broken. Never throws on bad input.
    /// </summary>
    public static string? Read(ReadOnlySpan<byte> exif)
    {
        if (exif.StartsWith("Exif\0\0"u8))
        {
            exif = exif[6..];
        }

        if (exif.Length < 8)
        {
            return null;
        }

        bool little;
        if (exif.StartsWith("II"u8))
        {
            little = true;
        }
        else if (exif.StartsWith("MM"u8))
        {
            little = false;
        }
        else
        {
            return null;
        }

        if (U16(exif, 2, little) != 42)
        {
            return null;
        }

        var ifd0 = U32(exif, 4, little);
        var raw = FindTag(exif, ifd0, UserCommentTag, little, out _);
        if (raw is null)
        {
            var exifIfd = FindTag(exif, ifd0, ExifIfdPointer, little, out var pointer);
            if (exifIfd is null)
            {
                return null;
            }

            raw = FindTag(exif, pointer, UserCommentTag, little, out _);
        }

        return raw is null ? null : Decode(raw, little);
    }

    /// <summary>Decodes a UserComment value: 8-byte charset prefix (<c>UNICODE\0</c>, <c>ASCII\0\0\0</c>, zeros) then the text.</summary>
    public static string Decode(ReadOnlySpan<byte> value, bool littleEndianTiff)
    {
        if (value.Length < 8)
        {
            return Encoding.UTF8.GetString(value).TrimEnd('\0');
        }

        var prefix = value[..8];
        var body = value[8..];
        if (prefix.SequenceEqual("UNICODE\0"u8))
        {
            return DecodeUtf16(body, littleEndianTiff).TrimEnd('\0');
        }

        return Encoding.UTF8.GetString(body).TrimEnd('\0');
    }

    private static string DecodeUtf16(ReadOnlySpan<byte> body, bool littleEndianTiff)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return Encoding.BigEndianUnicode.GetString(body[2..]);
        }

        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode.GetString(body[2..]);
        }

        // The TIFF byte order is the rule, but piexif (A1111) always writes UTF-16BE; pick the reading with more ASCII.
        var big = Encoding.BigEndianUnicode.GetString(body);
        var little = Encoding.Unicode.GetString(body);
        var bigScore = AsciiCount(big);
        var littleScore = AsciiCount(little);
        if (bigScore == littleScore)
        {
            return littleEndianTiff ? little : big;
        }

        return bigScore > littleScore ? big : little;
    }

    private static int AsciiCount(string s)
    {
        var n = 0;
        foreach (var c in s)
        {
            if (c is >= ' ' and < '\u007F' or '\n')
            {
                n++;
            }
        }

        return n;
    }

    private static byte[]? FindTag(ReadOnlySpan<byte> tiff, uint ifdOffset, ushort tag, bool little, out uint valueOrOffset)
    {
        valueOrOffset = 0;
        if (ifdOffset > tiff.Length - 2)
        {
            return null;
        }

        var count = U16(tiff, (int)ifdOffset, little);
        for (var i = 0; i < count; i++)
        {
            var entry = (int)ifdOffset + 2 + (i * 12);
            if (entry + 12 > tiff.Length)
            {
                return null;
            }

            if (U16(tiff, entry, little) != tag)
            {
                continue;
            }

            var type = U16(tiff, entry + 2, little);
            var n = U32(tiff, entry + 4, little);
            valueOrOffset = U32(tiff, entry + 8, little);
            var size = (long)n * TypeSize(type);
            if (size <= 4)
            {
                return tiff.Slice(entry + 8, (int)size).ToArray();
            }

            if (valueOrOffset > tiff.Length || size > tiff.Length - valueOrOffset)
            {
                return null;
            }

            return tiff.Slice((int)valueOrOffset, (int)size).ToArray();
        }

        return null;
    }

    private static int TypeSize(ushort type) => type switch
    {
        3 or 8 => 2,
        4 or 9 or 11 or 13 => 4,
        5 or 10 or 12 => 8,
        _ => 1,
    };

    private static ushort U16(ReadOnlySpan<byte> b, int offset, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b[offset..]) : BinaryPrimitives.ReadUInt16BigEndian(b[offset..]);

    private static uint U32(ReadOnlySpan<byte> b, int offset, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b[offset..]) : BinaryPrimitives.ReadUInt32BigEndian(b[offset..]);
}
