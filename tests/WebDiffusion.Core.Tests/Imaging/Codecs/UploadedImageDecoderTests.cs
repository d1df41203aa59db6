using SkiaSharp;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Codecs;

namespace WebDiffusion.Core.Tests.Imaging.Codecs;

/// <summary>Uploads in JPEG and WebP decode through SkiaSharp with the same header-first limits and typed errors as PNG.</summary>
public class UploadedImageDecoderTests
{
    private const long Limit = 8192L * 8192;

    private static byte[] Fixture(string name) => File.ReadAllBytes(SharedTestData.File("png", name));

    private static double MeanAbsoluteDifference(RgbaImage a, RgbaImage b)
    {
        long sum = 0;
        for (var i = 0; i < a.Pixels.Length; i += 4)
        {
            sum += Math.Abs(a.Pixels[i] - b.Pixels[i]) + Math.Abs(a.Pixels[i + 1] - b.Pixels[i + 1]) + Math.Abs(a.Pixels[i + 2] - b.Pixels[i + 2]);
        }

        return sum / (a.Pixels.Length / 4 * 3.0);
    }

    [Theory]
    [InlineData("sd-webui.jpg", "JPEG")]
    [InlineData("sd-webui.webp", "WebP")]
    public void The_a1111_jpeg_and_webp_fixtures_decode_at_their_header_size(string name, string format)
    {
        var bytes = Fixture(name);

        Assert.Equal((format, 1024, 1024), UploadedImageDecoder.ReadHeader(bytes));
        var image = UploadedImageDecoder.Decode(bytes, Limit);

        Assert.Equal((1024, 1024), (image.Width, image.Height));
        Assert.True(image.IsOpaque());
        Assert.True(MeanAbsoluteDifference(image, RgbaImage.Filled(1024, 1024, image.Pixels[0], image.Pixels[1], image.Pixels[2])) > 10);
    }

    /// <summary>Red, green and blue columns over a brightness ramp: catches swapped channels, strides and premultiplication.</summary>
    private static (SKBitmap Bitmap, RgbaImage Expected) Pattern(int width, int height, byte alpha)
    {
        var expected = new RgbaImage(width, height);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var level = (byte)(40 + (200 * y / height));
                var (r, g, b) = (x * 3 / width) switch { 0 => (level, (byte)10, (byte)10), 1 => ((byte)10, level, (byte)10), _ => ((byte)10, (byte)10, level) };
                bitmap.SetPixel(x, y, new SKColor(r, g, b, alpha));
                var at = ((y * width) + x) * 4;
                (expected.Pixels[at], expected.Pixels[at + 1], expected.Pixels[at + 2], expected.Pixels[at + 3]) = (r, g, b, alpha);
            }
        }

        return (bitmap, expected);
    }

    [Fact]
    public void A_lossless_webp_decodes_to_exactly_the_pixels_that_were_encoded()
    {
        var (bitmap, expected) = Pattern(48, 20, 255);
        using (bitmap)
        using (var pixmap = bitmap.PeekPixels())
        using (var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100)))
        {
            Assert.NotNull(data);
            var image = UploadedImageDecoder.Decode(data.ToArray(), Limit);

            Assert.Equal(expected.Pixels, image.Pixels);
        }
    }

    [Fact]
    public void A_jpeg_decodes_to_the_encoded_pixels_within_its_compression_error()
    {
        var (bitmap, expected) = Pattern(48, 24, 255);
        using (bitmap)
        using (var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 100))
        {
            Assert.NotNull(data);
            var image = UploadedImageDecoder.Decode(data.ToArray(), Limit);

            Assert.Equal((48, 24), (image.Width, image.Height));
            Assert.True(MeanAbsoluteDifference(image, expected) < 3, $"{MeanAbsoluteDifference(image, expected):F2}");
        }
    }

    [Fact]
    public void A_jpeg_whose_header_claims_65000_by_65000_is_refused_before_decoding()
    {
        var bytes = Fixture("sd-webui.jpg");
        var sof = FindStartOfFrame(bytes);
        bytes[sof + 5] = 65000 >> 8;
        bytes[sof + 6] = 65000 & 0xFF;
        bytes[sof + 7] = 65000 >> 8;
        bytes[sof + 8] = 65000 & 0xFF;

        Assert.Equal(("JPEG", 65000, 65000), UploadedImageDecoder.ReadHeader(bytes));
        var ex = Assert.Throws<ImageTooLargeException>(() => UploadedImageDecoder.Decode(bytes, Limit));
        Assert.Contains("65000x65000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_jpeg_is_a_typed_error()
    {
        var bytes = Fixture("sd-webui.jpg")[..20000];

        var ex = Assert.ThrowsAny<InvalidImageException>(() => UploadedImageDecoder.Decode(bytes, Limit));
        Assert.Contains("JPEG", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_formats_are_refused_naming_them()
    {
        var ex = Assert.Throws<InvalidImageException>(() => UploadedImageDecoder.Decode("GIF89a\0\0\0\0"u8.ToArray(), Limit));
        Assert.Contains("GIF", ex.Message, StringComparison.Ordinal);
    }

    private static int FindStartOfFrame(byte[] jpeg)
    {
        for (var i = 2; i + 1 < jpeg.Length;)
        {
            Assert.Equal(0xFF, jpeg[i]);
            var marker = jpeg[i + 1];
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                return i;
            }

            i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
        }

        throw new InvalidOperationException("no SOF marker");
    }
}
