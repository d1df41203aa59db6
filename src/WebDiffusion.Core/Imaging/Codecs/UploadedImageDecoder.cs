using SkiaSharp;
using WebDiffusion.Core.Imaging.Png;

namespace WebDiffusion.Core.Imaging.Codecs;

/// <summary>
/// Decodes an uploaded image (init image, mask): PNG through our own decoder, JPEG and WebP through SkiaSharp. The size is
/// read from the header and checked against the pixel limit before any pixel is decoded; every failure is an
/// <see cref="InvalidImageException"/> (or <see cref="ImageTooLargeException"/>) with a message a user can act on.
/// </summary>
public static class UploadedImageDecoder
{
    /// <summary>The format and size the header of <paramref name="bytes"/> declares, without decoding pixels.</summary>
    public static (string Format, int Width, int Height) ReadHeader(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (SkiaFormat(bytes) is not { } format)
        {
            var header = PngInfo.ReadHeader(bytes);
            return ("PNG", header.Width, header.Height);
        }

        using var codec = OpenCodec(bytes, format);
        return (format, codec.Info.Width, codec.Info.Height);
    }

    /// <summary>Decodes <paramref name="bytes"/> to RGBA, refusing images over <paramref name="maxPixels"/> before decoding.</summary>
    public static RgbaImage Decode(byte[] bytes, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (SkiaFormat(bytes) is not { } format)
        {
            return PngDecoder.Decode(bytes, new PngDecoderOptions { MaxPixels = maxPixels }).Image;
        }

        using var codec = OpenCodec(bytes, format);
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
        {
            throw new InvalidImageException($"declares an empty {format} image ({width}x{height})");
        }

        if ((long)width * height > maxPixels)
        {
            throw new ImageTooLargeException($"the {format} image is {width}x{height}, over the limit of {maxPixels} pixels");
        }

        var image = new RgbaImage(width, height);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        SKCodecResult result;
        unsafe
        {
            fixed (byte* pixels = image.Pixels)
            {
                result = codec.GetPixels(info, (nint)pixels);
            }
        }

        return result == SKCodecResult.Success
            ? image
            : throw new InvalidImageException($"the {format} image could not be decoded ({result}; a truncated or damaged file?)");
    }

    /// <summary>SkiaSharp's codec over the bytes: it reads the header only until pixels are asked for.</summary>
    private static SKCodec OpenCodec(byte[] bytes, string format) =>
        SKCodec.Create(new MemoryStream(bytes, writable: false), out var result)
            ?? throw new InvalidImageException($"is not a readable {format} image ({result})");

    /// <summary>
    /// "JPEG" or "WebP" for SkiaSharp; null for PNG and for bytes we cannot name, which go to our PNG reader (it says what
    /// is wrong, e.g. the missing signature); other named formats are refused naming them.
    /// </summary>
    private static string? SkiaFormat(ReadOnlySpan<byte> bytes) => UploadFormats.Sniff(bytes) switch
    {
        null or "PNG" => null,
        ("JPEG" or "WebP") and var format => format,
        var other => throw new InvalidImageException($"is a {other} image; PNG, JPEG and WebP are decoded (convert it to PNG)"),
    };
}
