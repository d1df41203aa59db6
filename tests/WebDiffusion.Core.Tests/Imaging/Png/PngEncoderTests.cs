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

    public static TheoryData<int, int, bool, bool> OddSizes()
    {
        var data = new TheoryData<int, int, bool, bool>();
        foreach (var (w, h) in new[] { (1, 1), (7, 13), (1023, 5), (5, 1023), (2, 300) })
        {
            foreach (var opaque in new[] { true, false })
            {
                foreach (var adaptive in new[] { true, false })
                {
                    data.Add(w, h, opaque, adaptive);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OddSizes))]
    public void Odd_sizes_round_trip_exactly(int width, int height, bool opaque, bool adaptive)
    {
        var image = Smooth(width, height, seed: width * height, opaque);
        foreach (var strategy in new[] { ZLibCompressionStrategy.RunLengthEncoding, ZLibCompressionStrategy.Default })
        {
            var bytes = PngEncoder.Encode(image, new PngEncoderOptions { AdaptiveFiltering = adaptive, CompressionStrategy = strategy });
            var decoded = PngDecoder.Decode(bytes);
            Assert.Equal(opaque ? PngColorType.Rgb : PngColorType.Rgba, decoded.Header.ColorType);
            Assert.Equal(image.Pixels, decoded.Image.Pixels);
        }
    }

    [Theory]
    [InlineData(1024, 1024, true, 6)]
    [InlineData(1000, 700, false, 1)]
    [InlineData(300, 2000, true, 0)]
    [InlineData(517, 999, false, 9)]
    public void Images_of_many_bands_round_trip_and_do_not_depend_on_the_thread_count(int width, int height, bool opaque, int level)
    {
        var image = Smooth(width, height, seed: level, opaque);
        foreach (var strategy in new[] { ZLibCompressionStrategy.RunLengthEncoding, ZLibCompressionStrategy.Default })
        {
            var options = new PngEncoderOptions { CompressionLevel = level, CompressionStrategy = strategy };
            var parallel = PngEncoder.Encode(image, options);
            var serial = PngEncoder.Encode(image, options with { MaxDegreeOfParallelism = 1 });
            Assert.Equal(parallel, serial);
            Assert.Equal(image.Pixels, PngDecoder.Decode(parallel).Image.Pixels);

            // An independent inflater agrees on the pixel stream, including the Adler-32 trailer.
            var rowBytes = (width * (opaque ? 3 : 4)) + 1;
            Assert.Equal(rowBytes * height, InflateIdat(parallel).Length);
        }
    }

    [Fact]
    public void Run_length_default_is_close_to_level_6_on_a_noisy_gradient()
    {
        var image = Smooth(512, 512, seed: 4, opaque: true);
        var fast = PngEncoder.Encode(image).Length;
        var level6 = PngEncoder.Encode(image, new PngEncoderOptions { CompressionStrategy = ZLibCompressionStrategy.Default }).Length;
        Assert.True(fast < level6 * 1.05, $"run-length {fast} bytes vs level 6 {level6} bytes");
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
    public void Out_of_range_options_are_argument_errors_before_anything_is_written()
    {
        var image = RgbaImage.Filled(1, 1, 0, 0, 0);
        foreach (var options in new[]
        {
            new PngEncoderOptions { CompressionLevel = 10 },
            new PngEncoderOptions { CompressionStrategy = (ZLibCompressionStrategy)99 },
            new PngEncoderOptions { MaxDegreeOfParallelism = 0 },
            new PngEncoderOptions { MaxDegreeOfParallelism = -2 },
        })
        {
            using var output = new MemoryStream();
            Assert.Throws<ArgumentOutOfRangeException>(() => PngEncoder.Encode(image, output, options));
            Assert.Equal(0, output.Length);
        }
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
        var data = InflateIdat(png);
        return Enumerable.Range(0, rows).Select(r => (int)data[r * (rowBytes + 1)]).ToList();
    }

    private static byte[] InflateIdat(byte[] png)
    {
        // Independent walk: collect IDAT, inflate with the runtime's zlib, check the trailer.
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

        var stream = idat.ToArray();
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var data = raw.ToArray();

        // Adler-32 of the inflated bytes, written out longhand, must be the stream's big-endian trailer.
        uint s1 = 1, s2 = 0;
        foreach (var b in data)
        {
            s1 = (s1 + b) % 65521;
            s2 = (s2 + s1) % 65521;
        }

        var trailer = (uint)((stream[^4] << 24) | (stream[^3] << 16) | (stream[^2] << 8) | stream[^1]);
        Assert.Equal((s2 << 16) | s1, trailer);
        return data;
    }

    /// <summary>A noisy gradient like a generated picture, so that every filter gets chosen somewhere.</summary>
    private static RgbaImage Smooth(int width, int height, int seed, bool opaque)
    {
        var image = new RgbaImage(width, height);
        var random = new Random(seed);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var o = ((y * width) + x) * 4;
                image.Pixels[o] = (byte)(x + random.Next(8));
                image.Pixels[o + 1] = (byte)(y + random.Next(8));
                image.Pixels[o + 2] = (byte)((x ^ y) + random.Next(8));
                image.Pixels[o + 3] = opaque ? (byte)255 : (byte)((x * 7) + y);
            }
        }

        return image;
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
