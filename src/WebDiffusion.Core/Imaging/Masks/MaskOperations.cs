namespace WebDiffusion.Core.Imaging.Masks;

/// <summary>Mask conversions and morphology.</summary>
public static class MaskOperations
{
    /// <summary>PIL <c>convert('L')</c>: luma <c>(R×299 + G×587 + B×114) / 1000</c>, rounded.</summary>
    public static GrayImage ToGrayscale(RgbaImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = new GrayImage(image.Width, image.Height);
        var p = image.Pixels;
        for (var i = 0; i < result.Pixels.Length; i++)
        {
            var o = i * 4;
            result.Pixels[i] = (byte)(((p[o] * 299) + (p[o + 1] * 587) + (p[o + 2] * 114) + 500) / 1000);
        }

        return result;
    }

    /// <summary>
    /// A1111 <c>create_binary_mask</c>: an RGBA image with any non-opaque pixel yields alpha &gt; 128 → 255 else 0;
    /// otherwise the greyscale conversion.
    /// </summary>
    public static GrayImage CreateBinaryMask(RgbaImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.IsOpaque())
        {
            return ToGrayscale(image);
        }

        var result = new GrayImage(image.Width, image.Height);
        for (var i = 0; i < result.Pixels.Length; i++)
        {
            result.Pixels[i] = image.Pixels[(i * 4) + 3] > 128 ? (byte)255 : (byte)0;
        }

        return result;
    }

    /// <summary>255 − value for every pixel.</summary>
    public static GrayImage Invert(GrayImage mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var result = new GrayImage(mask.Width, mask.Height);
        for (var i = 0; i < result.Pixels.Length; i++)
        {
            result.Pixels[i] = (byte)(255 - mask.Pixels[i]);
        }

        return result;
    }

    /// <summary>Values strictly above <paramref name="threshold"/> become 255, the rest 0.</summary>
    public static GrayImage Threshold(GrayImage mask, byte threshold)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var result = new GrayImage(mask.Width, mask.Height);
        for (var i = 0; i < result.Pixels.Length; i++)
        {
            result.Pixels[i] = mask.Pixels[i] > threshold ? (byte)255 : (byte)0;
        }

        return result;
    }

    /// <summary>A1111's "whole picture" overlay mask: every value doubled and clipped to 255.</summary>
    public static GrayImage Strengthen(GrayImage mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var result = new GrayImage(mask.Width, mask.Height);
        for (var i = 0; i < result.Pixels.Length; i++)
        {
            result.Pixels[i] = (byte)Math.Min(255, mask.Pixels[i] * 2);
        }

        return result;
    }

    /// <summary>Grey dilation with a (2r+1)×(2r+1) square: each pixel becomes the maximum of its neighbourhood (separable).</summary>
    public static GrayImage Dilate(GrayImage mask, int radius)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        var w = mask.Width;
        var h = mask.Height;
        var temp = new byte[mask.Pixels.Length];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                byte max = 0;
                for (var k = Math.Max(0, x - radius); k <= Math.Min(w - 1, x + radius); k++)
                {
                    max = Math.Max(max, mask.Pixels[(y * w) + k]);
                }

                temp[(y * w) + x] = max;
            }
        }

        var result = new GrayImage(w, h);
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                byte max = 0;
                for (var k = Math.Max(0, y - radius); k <= Math.Min(h - 1, y + radius); k++)
                {
                    max = Math.Max(max, temp[(k * w) + x]);
                }

                result.Pixels[(y * w) + x] = max;
            }
        }

        return result;
    }
}
