using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Compositing;
using WebDiffusion.Core.Imaging.Preview;
using WebDiffusion.Core.Imaging.Tensors;
using WebDiffusion.Core.Imaging.Tiling;

namespace WebDiffusion.Core.Tests.Imaging;

public class CompositingTensorPreviewTests
{
    [Fact]
    public void Tensor_round_trip_loses_at_most_one_level_by_truncation()
    {
        var image = new RgbaImage(256, 1);
        for (var i = 0; i < 256; i++)
        {
            image.Pixels[i * 4] = (byte)i;
            image.Pixels[(i * 4) + 1] = (byte)(255 - i);
            image.Pixels[(i * 4) + 2] = (byte)(i / 2);
            image.Pixels[(i * 4) + 3] = 255;
        }

        var tensor = ImageTensor.ToTensor([image, image]);
        Assert.Equal(2 * 3 * 256, tensor.Length);
        Assert.Equal(-1f, tensor[0]);
        Assert.Equal(1f, tensor[255]);
        Assert.Equal(1f, tensor[256]); // G plane starts with 255
        var back = ImageTensor.FromTensor(tensor, 2, 1, 256);
        Assert.Equal(back[0].Pixels, back[1].Pixels);
        var lost = 0;
        for (var i = 0; i < image.Pixels.Length; i++)
        {
            // A1111 truncates 255 × (x + 1) / 2: float error can only push a level down, never up, and never by more than one.
            var delta = image.Pixels[i] - back[0].Pixels[i];
            Assert.InRange(delta, 0, 1);
            lost += delta;
        }

        Assert.Equal(0, back[0].Pixels[0]);
        Assert.Equal(255, back[0].Pixels[255 * 4]);
        Assert.True(lost < image.Pixels.Length / 2, "most levels survive the round trip");
    }

    [Fact]
    public void From_tensor_clamps_then_truncates_like_A1111()
    {
        Assert.Equal(0, ImageTensor.ToByte(-3f));
        Assert.Equal(255, ImageTensor.ToByte(7f));
        Assert.Equal(0, ImageTensor.ToByte(float.NaN));

        // 0 → 0.5 × 255 = 127.5 → truncates to 127 (rounding would give 128).
        Assert.Equal(127, ImageTensor.ToByte(0f));
        Assert.Equal(191, ImageTensor.ToByte(0.5f)); // 0.75 × 255 = 191.25
    }

    [Fact]
    public void Cheap_preview_projects_with_the_sd1_matrix()
    {
        // 1x2 latent, channel-major: pixel 0 = (1, 0, 0, 0), pixel 1 = (0.5, -0.5, 1, -1).
        float[] latent = [1, 0.5f, 0, -0.5f, 0, 1, 0, -1];
        var preview = new RgbaImage(2, 1);
        new CheapLatentPreviewer().Render(latent, 4, 1, 2, preview);
        float[,] m = { { 0.298f, 0.207f, 0.208f }, { 0.187f, 0.286f, 0.173f }, { -0.158f, 0.189f, 0.264f }, { -0.184f, -0.271f, -0.473f } };
        float[][] px = [[1, 0, 0, 0], [0.5f, -0.5f, 1, -1]];
        for (var p = 0; p < 2; p++)
        {
            for (var c = 0; c < 3; c++)
            {
                var v = 0f;
                for (var l = 0; l < 4; l++)
                {
                    v += px[p][l] * m[l, c];
                }

                var expected = (byte)(255f * Math.Clamp((v + 1f) / 2f, 0f, 1f));
                Assert.Equal(expected, preview.Pixels[(p * 4) + c]);
            }

            Assert.Equal(255, preview.Pixels[(p * 4) + 3]);
        }

        Assert.Throws<ArgumentException>(() => new CheapLatentPreviewer().Render(latent, 4, 2, 2, preview));
    }

    [Theory]
    // overlay RGBA, destination RGBA, expected (Porter–Duff "over", worked by hand: αo = αs + αd(1 − αs), C = (Cs·αs + Cd·αd(1 − αs)) / αo)
    [InlineData(new byte[] { 10, 20, 30, 255 }, new byte[] { 200, 100, 0, 255 }, new byte[] { 10, 20, 30, 255 })]
    [InlineData(new byte[] { 10, 20, 30, 0 }, new byte[] { 200, 100, 0, 255 }, new byte[] { 200, 100, 0, 255 })]
    [InlineData(new byte[] { 255, 0, 0, 128 }, new byte[] { 0, 0, 255, 255 }, new byte[] { 128, 0, 127, 255 })]
    [InlineData(new byte[] { 255, 0, 0, 128 }, new byte[] { 0, 0, 255, 128 }, new byte[] { 170, 0, 85, 192 })]
    [InlineData(new byte[] { 9, 9, 9, 0 }, new byte[] { 7, 7, 7, 0 }, new byte[] { 0, 0, 0, 0 })]
    public void Over_composites_like_porter_duff(byte[] overlay, byte[] destination, byte[] expected)
    {
        var dst = new RgbaImage(1, 1, (byte[])destination.Clone());
        AlphaCompositor.Over(dst, new RgbaImage(1, 1, overlay));
        Assert.Equal(expected, dst.Pixels);
    }

    [Fact]
    public void Paste_with_mask_blends_by_mask_value()
    {
        var dst = RgbaImage.Filled(2, 1, 0, 0, 0);
        var src = RgbaImage.Filled(2, 1, 255, 100, 50);
        AlphaCompositor.PasteWithMask(dst, src, new GrayImage(2, 1, [255, 51]), 0, 0);
        Assert.Equal([255, 100, 50, 255], dst.Pixels.AsSpan(0, 4).ToArray());
        Assert.Equal([51, 20, 10, 255], dst.Pixels.AsSpan(4, 4).ToArray());
    }

    [Fact]
    public void Overlay_keeps_the_original_outside_the_mask_and_the_result_inside()
    {
        var original = RgbaImage.Filled(4, 4, 10, 20, 30);
        var generated = RgbaImage.Filled(2, 2, 200, 210, 220);
        var mask = new GrayImage(4, 4);
        mask[1, 1] = 255;
        var overlay = InpaintCompositor.CreateOverlay(original, mask);
        var result = InpaintCompositor.ApplyOverlay(generated, new PixelRect(1, 1, 2, 2), overlay);
        Assert.Equal([200, 210, 220, 255], result.Pixels.AsSpan(((1 * 4) + 1) * 4, 4).ToArray());
        Assert.Equal([10, 20, 30, 255], result.Pixels.AsSpan(((2 * 4) + 2) * 4, 4).ToArray());
        Assert.Equal([10, 20, 30, 255], result.Pixels.AsSpan(0, 4).ToArray());
    }

    [Fact]
    public void Tiles_cover_the_image_and_overlap_as_split_grid()
    {
        var tiles = TileGrid.Create(1000, 600, 512, 512, 64);

        // cols = ceil((1000 - 64) / 448) = 3, dx = (1000 - 512) / 2 = 244; rows = ceil((600 - 64) / 448) = 2, dy = 88.
        Assert.Equal([0, 244, 488], tiles.Select(t => t.X).Distinct());
        Assert.Equal([0, 88], tiles.Select(t => t.Y).Distinct());
        Assert.Single(TileGrid.Create(300, 200, 512, 512, 64));
    }

    [Fact]
    public void Blending_tiles_of_one_image_reproduces_it()
    {
        var image = new RgbaImage(100, 70);
        new Random(5).NextBytes(image.Pixels);
        var blender = new TileBlender(4, 70, 100);
        foreach (var rect in TileGrid.Create(100, 70, 40, 32, 8))
        {
            blender.Add(image.Crop(rect), rect, feather: 8);
        }

        Assert.Equal(image.Pixels, blender.ToRgbaImage().Pixels);
    }

    [Fact]
    public void Blending_feathers_two_different_tiles_linearly()
    {
        var blender = new TileBlender(1, 1, 12);
        blender.Add(Enumerable.Repeat(0f, 8).ToArray(), new PixelRect(0, 0, 8, 1), feather: 4);
        blender.Add(Enumerable.Repeat(100f, 8).ToArray(), new PixelRect(4, 0, 8, 1), feather: 4);
        var result = new float[12];
        blender.Result(result);
        Assert.Equal(0f, result[3]);
        Assert.Equal(100f, result[8]);

        // Overlap x = 4..7: weights left (3.5 - i)/4 ... right (i + 0.5)/4 with i the offset into the overlap.
        for (var i = 0; i < 4; i++)
        {
            var left = Math.Min(1f, (8 - (4 + i) - 0.5f) / 4);
            var right = Math.Min(1f, (i + 0.5f) / 4);
            Assert.Equal(100f * right / (left + right), result[4 + i], 4);
        }
    }
}
