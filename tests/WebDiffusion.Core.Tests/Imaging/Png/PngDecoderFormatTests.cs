using WebDiffusion.Core.Imaging.Png;

namespace WebDiffusion.Core.Tests.Imaging.Png;

public class PngDecoderFormatTests
{
    public static TheoryData<int, int, bool, int, int> Formats()
    {
        var data = new TheoryData<int, int, bool, int, int>();
        (int Type, int[] Depths)[] formats = [(0, [1, 2, 4, 8, 16]), (2, [8, 16]), (3, [1, 2, 4, 8]), (4, [8, 16]), (6, [8, 16])];
        foreach (var (type, depths) in formats)
        {
            foreach (var depth in depths)
            {
                foreach (var interlaced in new[] { false, true })
                {
                    data.Add(type, depth, interlaced, 13, 11);
                    data.Add(type, depth, interlaced, 1, 1);
                    data.Add(type, depth, interlaced, 3, 9);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Decodes_every_colour_type_and_bit_depth(int colorType, int depth, bool interlaced, int width, int height)
    {
        var random = new Random((colorType * 1000) + (depth * 10) + (interlaced ? 1 : 0) + width);
        var channels = TestPngWriter.Channels(colorType);
        var max = (1 << depth) - 1;
        byte[]? plte = null;
        byte[]? trns = null;
        var paletteSize = Math.Min(1 << depth, 200);
        if (colorType == 3)
        {
            plte = new byte[paletteSize * 3];
            random.NextBytes(plte);
            trns = new byte[paletteSize / 2];
            random.NextBytes(trns);
            max = paletteSize - 1;
        }

        var samples = new int[height][];
        for (var y = 0; y < height; y++)
        {
            samples[y] = new int[width * channels];
            for (var i = 0; i < samples[y].Length; i++)
            {
                samples[y][i] = random.Next(max + 1);
            }
        }

        var file = TestPngWriter.Write(width, height, colorType, depth, samples, interlaced, plte, trns);
        var decoded = PngDecoder.Decode(file);

        Assert.Equal(width, decoded.Image.Width);
        Assert.Equal(height, decoded.Image.Height);
        Assert.Equal(interlaced, decoded.Header.Interlaced);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var expected = ExpectedRgba(colorType, depth, samples[y].AsSpan(x * channels, channels), plte, trns);
                var actual = decoded.Image.Pixels.AsSpan(((y * width) + x) * 4, 4).ToArray();
                Assert.True(expected.SequenceEqual(actual), $"pixel ({x},{y}): expected {string.Join(",", expected)} got {string.Join(",", actual)}");
            }
        }
    }

    [Fact]
    public void Grey_and_rgb_transparency_keys_make_matching_pixels_transparent()
    {
        int[][] grey = [[0, 5, 9, 5]];
        var greyFile = TestPngWriter.Write(4, 1, 0, 4, grey, false, trns: [0, 5]);
        var g = PngDecoder.Decode(greyFile).Image.Pixels;
        Assert.Equal([255, 0, 255, 0], [g[3], g[7], g[11], g[15]]);
        Assert.Equal(5 * 255 / 15, g[4]);

        int[][] rgb = [[1, 2, 3, 1, 2, 4]];
        var rgbFile = TestPngWriter.Write(2, 1, 2, 16, rgb, false, trns: [0, 1, 0, 2, 0, 3]);
        var c = PngDecoder.Decode(rgbFile).Image.Pixels;
        Assert.Equal(0, c[3]);
        Assert.Equal(255, c[7]);
    }

    private static byte[] ExpectedRgba(int colorType, int depth, ReadOnlySpan<int> s, byte[]? plte, byte[]? trns)
    {
        byte To8(int v) => depth == 16 ? (byte)(v >> 8) : depth == 8 ? (byte)v : (byte)Math.Round(v * 255.0 / ((1 << depth) - 1), MidpointRounding.ToZero);
        switch (colorType)
        {
            case 0:
                var g = To8(s[0]);
                return [g, g, g, 255];
            case 2:
                return [To8(s[0]), To8(s[1]), To8(s[2]), 255];
            case 3:
                var i = s[0];
                var alpha = trns is not null && i < trns.Length ? trns[i] : (byte)255;
                return [plte![i * 3], plte[(i * 3) + 1], plte[(i * 3) + 2], alpha];
            case 4:
                var ga = To8(s[0]);
                return [ga, ga, ga, To8(s[1])];
            default:
                return [To8(s[0]), To8(s[1]), To8(s[2]), To8(s[3])];
        }
    }
}
