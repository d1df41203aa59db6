using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Resize;

namespace WebDiffusion.Core.Tests.Imaging;

public class ResizeTests
{
    [Fact]
    public void Bilinear_2x2_to_4x4_matches_hand_computation()
    {
        // Half-pixel centres: output x at (i + 0.5) / 2 - 0.5 in source coordinates = -0.25, 0.25, 0.75, 1.25;
        // clamped to the edges, weights are (1, 0), (0.75, 0.25), (0.25, 0.75), (0, 1).
        var src = new GrayImage(2, 2, [0, 100, 200, 40]);
        var dst = Resampler.Resize(src, 4, 4, ResampleFilter.Bilinear);
        double[] w = [0, 0.25, 0.75, 1];
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                var top = (0 * (1 - w[x])) + (100 * w[x]);
                var bottom = (200 * (1 - w[x])) + (40 * w[x]);
                var expected = (int)Math.Round((top * (1 - w[y])) + (bottom * w[y]), MidpointRounding.AwayFromZero);
                Assert.Equal(expected, dst[x, y]);
            }
        }
    }

    [Theory]
    [InlineData(ResampleFilter.Bilinear)]
    [InlineData(ResampleFilter.Bicubic)]
    [InlineData(ResampleFilter.Lanczos3)]
    public void Downscaling_by_two_with_antialiasing_averages_blocks_of_a_checkerboard(ResampleFilter filter)
    {
        // A 1-pixel checkerboard has no energy a half-size image can hold: antialiased filters give flat grey;
        // a filter without antialiasing would sample one phase and keep black or white.
        var src = new GrayImage(64, 64);
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                src[x, y] = (byte)(((x + y) & 1) == 0 ? 0 : 255);
            }
        }

        var dst = Resampler.Resize(src, 32, 32, filter);
        for (var y = 4; y < 28; y++)
        {
            for (var x = 4; x < 28; x++)
            {
                Assert.InRange(dst[x, y], 120, 135);
            }
        }
    }

    [Theory]
    [InlineData(ResampleFilter.Nearest)]
    [InlineData(ResampleFilter.Bilinear)]
    [InlineData(ResampleFilter.Bicubic)]
    [InlineData(ResampleFilter.Lanczos3)]
    public void Same_size_is_identity_and_constant_stays_constant(ResampleFilter filter)
    {
        var noise = new GrayImage(17, 9);
        new Random(1).NextBytes(noise.Pixels);
        Assert.Equal(noise.Pixels, Resampler.Resize(noise, 17, 9, filter).Pixels);
        var flat = RgbaImage.Filled(7, 5, 10, 200, 33);
        var up = Resampler.Resize(flat, 23, 31, filter);
        Assert.All(Enumerable.Range(0, up.Pixels.Length / 4), i => Assert.Equal([10, 200, 33, 255], up.Pixels.AsSpan(i * 4, 4).ToArray()));
    }

    [Fact]
    public void Nearest_picks_the_source_pixel_under_each_output_centre()
    {
        var src = new GrayImage(3, 1, [10, 20, 30]);
        Assert.Equal([10, 10, 20, 20, 30, 30], Resampler.Resize(src, 6, 1, ResampleFilter.Nearest).Pixels);
        Assert.Equal([20], Resampler.Resize(src, 1, 1, ResampleFilter.Nearest).Pixels);
    }

    [Fact]
    public void Bicubic_weights_follow_keys_a_minus_half()
    {
        // Upscale 4 → 8: output 3 has centre 1.75 - 0.5 = 1.25 in source pixel units: distances 1.25, 0.25, 0.75, 1.75
        var src = new GrayImage(4, 1, [0, 0, 255, 0]);
        var dst = Resampler.Resize(src, 8, 1, ResampleFilter.Bicubic);
        static double K(double x)
        {
            const double a = -0.5;
            x = Math.Abs(x);
            return x < 1 ? ((a + 2) * x * x * x) - ((a + 3) * x * x) + 1 : x < 2 ? a * ((x * x * x) - (5 * x * x) + (8 * x) - 4) : 0;
        }

        double[] d = [-1.25, -0.25, 0.75, 1.75];
        var weights = d.Select(K).ToArray();
        var expected = 255 * weights[2] / weights.Sum();
        Assert.Equal((int)Math.Round(expected), dst[3, 0]);
    }

    [Fact]
    public void Transparent_pixels_do_not_bleed_their_colour()
    {
        var src = new RgbaImage(2, 1, [255, 0, 0, 0, 0, 0, 255, 255]);
        var dst = Resampler.Resize(src, 4, 1, ResampleFilter.Bilinear);
        for (var x = 0; x < 4; x++)
        {
            if (dst.Pixels[(x * 4) + 3] > 0)
            {
                Assert.Equal([0, 0, 255], dst.Pixels.AsSpan(x * 4, 3).ToArray());
            }
        }
    }

    [Fact]
    public void Crop_and_resize_scales_to_cover_then_centre_crops()
    {
        // 4x2 image: left half red, right half blue, with a green column at x = 0 and x = 3. To 2x2: scale to 4x2 (already), crop centre.
        var src = new RgbaImage(4, 2);
        for (var y = 0; y < 2; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                byte[] c = x switch { 0 or 3 => [0, 255, 0, 255], 1 => [255, 0, 0, 255], _ => [0, 0, 255, 255] };
                c.CopyTo(src.Pixels, ((y * 4) + x) * 4);
            }
        }

        var dst = A1111Resize.ResizeImage(ResizeMode.CropAndResize, src, 2, 2);
        Assert.Equal([255, 0, 0, 255, 0, 0, 255, 255], dst.Row(0).ToArray());
    }

    [Fact]
    public void Resize_and_fill_centres_the_image_and_stretches_edges_into_the_bands()
    {
        // A 4x2 image into 4x4: fits as 4x2 in rows 1-2; rows 0 and 3 are filled from the nearest edge rows.
        var src = new RgbaImage(4, 2);
        for (var x = 0; x < 4; x++)
        {
            new byte[] { 200, 10, 10, 255 }.CopyTo(src.Pixels, x * 4);
            new byte[] { 10, 10, 200, 255 }.CopyTo(src.Pixels, (4 + x) * 4);
        }

        var dst = A1111Resize.ResizeImage(ResizeMode.ResizeAndFill, src, 4, 4);
        Assert.Equal(src.Row(0).ToArray(), dst.Row(1).ToArray());
        Assert.Equal(src.Row(1).ToArray(), dst.Row(2).ToArray());

        // The top band is a Lanczos blend weighted toward the top row: red dominates; the bottom band: blue dominates.
        Assert.True(dst.Pixels[0] > dst.Pixels[2]);
        var bottom = dst.Row(3);
        Assert.True(bottom[2] > bottom[0]);
        Assert.True(dst.IsOpaque());
    }

    [Fact]
    public void Just_resize_stretches()
    {
        var dst = A1111Resize.ResizeImage(ResizeMode.JustResize, RgbaImage.Filled(10, 20, 1, 2, 3), 30, 7);
        Assert.Equal((30, 7), (dst.Width, dst.Height));
    }
}
