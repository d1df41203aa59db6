using System.IO.Compression;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;

namespace WebDiffusion.Core.Tests.Imaging.Png;

public class PngEncoderTests
{
    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(17, 5, 1)]
    [InlineData(64, 64, 6)]
    [InlineData(300, 301, 9)]
    public void Rgba_round_trips_exactly(int width, int height, int level)
    {
        var image = Noise(width, height, seed: width + level, opaque: false);
        var bytes = PngEncoder.Encode(image, new PngEncoderOptions { CompressionLevel = level });
        var decoded = PngDecoder.Decode(bytes);
        Assert.Equal(PngColorType.Rgba, decoded.Header.ColorType);
        Assert.Equal(image.Pixels, decoded.Image.Pixels);
    }

    [Fact]
    public void Opaque_image_is_written_as_rgb_and_round_trips()
    {
        var image = Noise(33, 20, seed: 3, opaque: true);
        var decoded = PngDecoder.Decode(PngEncoder.Encode(image));
        Assert.Equal(PngColorType.Rgb, decoded.Header.ColorType);
        Assert.Equal(image.Pixels, decoded.Image.Pixels);
    }

    [Fact]
    public void Forced_rgb_drops_alpha()
    {
        var image = RgbaImage.Filled(4, 4, 1, 2, 3, 9);
        var decoded = PngDecoder.Decode(PngEncoder.Encode(image, new PngEncoderOptions { Alpha = PngAlphaMode.Rgb }));
        Assert.Equal(RgbaImage.Filled(4, 4, 1, 2, 3).Pixels, decoded.Image.Pixels);
    }

    [Fact]
    public void Real_image_round_trips_through_our_encoder()
    {
        var original = PngDecoder.Decode(File.ReadAllBytes(SharedTestData.File("png", "parsers__AUTOMATIC1111__automatic1111_stealth.png"))).Image;
        var decoded = PngDecoder.Decode(PngEncoder.Encode(original)).Image;
        Assert.Equal(original.Pixels, decoded.Pixels);
    }

    [Fact]
    public void Latin1_text_is_tEXt_and_other_text_is_iTXt()
    {
        var options = new PngEncoderOptions
        {
            Texts = [new("parameters", "a cat, café\nSteps: 20"), new("extras", "テスト 1girl")],
        };
        var decoded = PngDecoder.Decode(PngEncoder.Encode(RgbaImage.Filled(2, 2, 0, 0, 0), options));
        Assert.Equal(2, decoded.Texts.Count);
        Assert.Equal(new PngTextEntry("parameters", "a cat, café\nSteps: 20", PngTextKind.Text), decoded.Texts[0]);
        Assert.Equal(new PngTextEntry("extras", "テスト 1girl", PngTextKind.InternationalText), decoded.Texts[1]);
    }

    [Fact]
    public void Invalid_keyword_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(RgbaImage.Filled(1, 1, 0, 0, 0), new PngEncoderOptions { Texts = [new("", "x")] }));
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(RgbaImage.Filled(1, 1, 0, 0, 0), new PngEncoderOptions { Texts = [new(new string('k', 80), "x")] }));
    }

    [Fact]
    public void Adaptive_filtering_picks_non_trivial_filters_on_a_gradient()
    {
        // A horizontal gradient: Sub makes every byte after the first pixel 1, so None must not be chosen.
        var image = new RgbaImage(256, 4);
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 256; x++)
            {
                image.Pixels[((y * 256) + x) * 4] = (byte)x;
                image.Pixels[(((y * 256) + x) * 4) + 1] = (byte)x;
                image.Pixels[(((y * 256) + x) * 4) + 2] = (byte)x;
                image.Pixels[(((y * 256) + x) * 4) + 3] = 255;
            }
        }

        var bytes = PngEncoder.Encode(image);
        var filters = RowFilters(bytes, rowBytes: 256 * 3, rows: 4);
        Assert.All(filters, f => Assert.NotEqual(0, f));
        Assert.Equal(image.Pixels, PngDecoder.Decode(bytes).Image.Pixels);
    }

    private static List<int> RowFilters(byte[] png, int rowBytes, int rows)
    {
        // Independent walk: collect IDAT, inflate, read each row's filter byte.
        var idat = new MemoryStream();
        var p = 8;
        while (p < png.Length)
        {
            var length = (png[p] << 24) | (png[p + 1] << 16) | (png[p + 2] << 8) | png[p + 3];
            if (png[p + 4] == 'I' && png[p + 5] == 'D')
            {
                idat.Write(png, p + 8, length);
            }

            p += length + 12;
        }

        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var data = raw.ToArray();
        return Enumerable.Range(0, rows).Select(r => (int)data[r * (rowBytes + 1)]).ToList();
    }

    internal static RgbaImage Noise(int width, int height, int seed, bool opaque)
    {
        var image = new RgbaImage(width, height);
        new Random(seed).NextBytes(image.Pixels);
        if (opaque)
        {
            for (var i = 3; i < image.Pixels.Length; i += 4)
            {
                image.Pixels[i] = 255;
            }
        }

        return image;
    }
}
