using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Edges;
using WebDiffusion.Core.Imaging.Filters;
using WebDiffusion.Core.Imaging.Masks;

namespace WebDiffusion.Core.Tests.Imaging;

public class FilterAndMaskTests
{
    [Theory]
    [InlineData(4, 21)]
    [InlineData(1, 7)]
    [InlineData(0.5, 3)]
    [InlineData(64, 321)]
    public void Kernel_size_follows_A1111(double blur, int size) => Assert.Equal(size, GaussianKernel.A1111KernelSize(blur));

    [Fact]
    public void Blur_of_an_impulse_is_the_normalised_gaussian_rounded_after_each_pass()
    {
        const double sigma = 2;
        var mask = new GrayImage(31, 31);
        mask[15, 15] = 255;
        var blurred = GaussianBlur.BlurMask(mask, sigma, sigma);

        // Independent kernel: size 2 * int(2.5 * 2 + 0.5) + 1 = 11.
        var k = Enumerable.Range(-5, 11).Select(i => Math.Exp(-(i * i) / (2 * sigma * sigma))).ToArray();
        var sum = k.Sum();
        k = k.Select(v => v / sum).ToArray();
        for (var y = 0; y < 31; y++)
        {
            for (var x = 0; x < 31; x++)
            {
                var column = Math.Abs(x - 15) <= 5 ? Math.Round(255 * k[x - 15 + 5], MidpointRounding.ToEven) : 0;
                var expected = Math.Abs(y - 15) <= 5 ? Math.Round(column * k[y - 15 + 5], MidpointRounding.ToEven) : 0;
                Assert.Equal((byte)expected, blurred[x, y]);
            }
        }
    }

    [Fact]
    public void Blur_reflects_at_the_border_and_keeps_a_flat_mask_flat()
    {
        var mask = new GrayImage(8, 8);
        Array.Fill(mask.Pixels, (byte)200);
        Assert.All(GaussianBlur.BlurMask(mask, 4, 4).Pixels, v => Assert.Equal(200, v));
        Assert.Equal(1, GaussianBlur.Reflect101(-1, 5));
        Assert.Equal(3, GaussianBlur.Reflect101(5, 5));
    }

    [Fact]
    public void Canny_finds_the_outline_of_a_square()
    {
        var image = new GrayImage(40, 40);
        for (var y = 10; y < 30; y++)
        {
            for (var x = 10; x < 30; x++)
            {
                image[x, y] = 255;
            }
        }

        var edges = CannyEdgeDetector.Detect(image, new CannyOptions { LowThreshold = 100, HighThreshold = 200 });

        // Every edge pixel lies within one pixel of the square's boundary, and every side is traced along its length.
        for (var y = 0; y < 40; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                if (edges[x, y] == 0)
                {
                    continue;
                }

                var nearVertical = (Math.Abs(x - 9.5) <= 1 || Math.Abs(x - 29.5) <= 1) && y >= 8 && y <= 31;
                var nearHorizontal = (Math.Abs(y - 9.5) <= 1 || Math.Abs(y - 29.5) <= 1) && x >= 8 && x <= 31;
                Assert.True(nearVertical || nearHorizontal, $"stray edge at ({x},{y})");
            }
        }

        for (var i = 12; i < 28; i++)
        {
            Assert.True(edges[9, i] + edges[10, i] > 0, $"left side missing at y={i}");
            Assert.True(edges[29, i] + edges[30, i] > 0, $"right side missing at y={i}");
            Assert.True(edges[i, 9] + edges[i, 10] > 0, $"top side missing at x={i}");
            Assert.True(edges[i, 29] + edges[i, 30] > 0, $"bottom side missing at x={i}");
        }

        // Interior and far background carry no edges; a flat image has none at all.
        Assert.Equal(0, edges[20, 20]);
        Assert.Equal(0, edges[2, 2]);
        Assert.All(CannyEdgeDetector.Detect(new GrayImage(16, 16)).Pixels, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Canny_high_threshold_above_any_gradient_finds_nothing()
    {
        var image = new GrayImage(20, 20);
        for (var x = 10; x < 20; x++)
        {
            for (var y = 0; y < 20; y++)
            {
                image[x, y] = 30;
            }
        }

        // The step of 30 gives an L1 Sobel magnitude of at most 4 * 30 = 120.
        Assert.All(CannyEdgeDetector.Detect(image, new CannyOptions { LowThreshold = 50, HighThreshold = 121, PreBlurSigma = 0 }).Pixels, v => Assert.Equal(0, v));
        Assert.Contains((byte)255, CannyEdgeDetector.Detect(image, new CannyOptions { LowThreshold = 50, HighThreshold = 100, PreBlurSigma = 0 }).Pixels);
    }

    [Fact]
    public void Crop_region_is_the_padded_bounding_box()
    {
        var mask = new GrayImage(100, 80);
        mask[30, 20] = 1;
        mask[40, 50] = 255;
        Assert.Equal(PixelRect.FromBox(30, 20, 41, 51), CropRegion.Find(mask, 0));
        Assert.Equal(PixelRect.FromBox(0, 0, 73, 80), CropRegion.Find(mask, 32));
        Assert.Null(CropRegion.Find(new GrayImage(5, 5), 10));
    }

    [Fact]
    public void Expand_crop_region_grows_to_the_processing_ratio_as_A1111()
    {
        // Box 30..41 x 20..51 (11 x 31) to 512x512 on 100x80: ratio 0.35 < 1 → widen by int(31 - 11) = 20: x1 -= 10, x2 += 10.
        Assert.Equal(PixelRect.FromBox(20, 20, 51, 51), CropRegion.Expand(PixelRect.FromBox(30, 20, 41, 51), 512, 512, 100, 80));

        // Near the right edge it shifts left: box 90..100 x 0..40 → widen by 30: 75..115 → shift by 15 → 60..100.
        Assert.Equal(PixelRect.FromBox(60, 0, 100, 40), CropRegion.Expand(PixelRect.FromBox(90, 0, 100, 40), 512, 512, 100, 80));

        // Wide box, tall processing: 0..60 x 10..20 to 512x768 → desired height 90, diff int(90 - 10) = 80: y1 = -30, y2 = 60 → shifted to 0..90, then clamped to 80.
        Assert.Equal(PixelRect.FromBox(0, 0, 60, 80), CropRegion.Expand(PixelRect.FromBox(0, 10, 60, 20), 512, 768, 100, 80));
    }

    [Fact]
    public void Mask_operations()
    {
        var rgba = new RgbaImage(2, 1, [255, 0, 0, 255, 0, 0, 255, 255]);
        Assert.Equal([76, 29], MaskOperations.ToGrayscale(rgba).Pixels);
        var withAlpha = new RgbaImage(3, 1, [9, 9, 9, 0, 9, 9, 9, 128, 9, 9, 9, 129]);
        Assert.Equal([0, 0, 255], MaskOperations.CreateBinaryMask(withAlpha).Pixels);
        var m = new GrayImage(5, 1, [0, 10, 128, 129, 255]);
        Assert.Equal([255, 245, 127, 126, 0], MaskOperations.Invert(m).Pixels);
        Assert.Equal([0, 0, 0, 255, 255], MaskOperations.Threshold(m, 128).Pixels);
        Assert.Equal([0, 20, 255, 255, 255], MaskOperations.Strengthen(m).Pixels);

        var dot = new GrayImage(5, 5);
        dot[2, 2] = 200;
        var dilated = MaskOperations.Dilate(dot, 1);
        for (var y = 0; y < 5; y++)
        {
            for (var x = 0; x < 5; x++)
            {
                Assert.Equal(Math.Abs(x - 2) <= 1 && Math.Abs(y - 2) <= 1 ? 200 : 0, dilated[x, y]);
            }
        }
    }
}
