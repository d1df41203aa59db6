namespace WebDiffusion.Core.Imaging.Filters;

/// <summary>
/// Separable Gaussian blur on 8-bit images with OpenCV's reflect-101 border, as A1111 blurs inpaint masks:
/// one pass along x (rounded to 8 bits), then one along y.
/// </summary>
public static class GaussianBlur
{
    /// <summary>
    /// A1111's mask blur: <c>cv2.GaussianBlur(mask, (k, 1), blurX)</c> then <c>(1, k), blurY</c> with
    /// k = <see cref="GaussianKernel.A1111KernelSize"/>. A blur of 0 skips that axis.
    /// </summary>
    public static GrayImage BlurMask(GrayImage mask, double blurX, double blurY)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var result = mask.Clone();
        var scratch = new byte[Math.Max(mask.Width, mask.Height)];
        if (blurX > 0)
        {
            BlurAxis(result.Pixels, result.Width, result.Height, 1, GaussianKernel.Create(GaussianKernel.A1111KernelSize(blurX), blurX), horizontal: true, scratch);
        }

        if (blurY > 0)
        {
            BlurAxis(result.Pixels, result.Width, result.Height, 1, GaussianKernel.Create(GaussianKernel.A1111KernelSize(blurY), blurY), horizontal: false, scratch);
        }

        return result;
    }

    /// <summary>Blurs every channel of an RGBA image with the same kernel on both axes (size from A1111's rule).</summary>
    public static RgbaImage Blur(RgbaImage image, double sigma)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = image.Clone();
        if (sigma <= 0)
        {
            return result;
        }

        var kernel = GaussianKernel.Create(GaussianKernel.A1111KernelSize(sigma), sigma);
        var scratch = new byte[Math.Max(image.Width, image.Height) * 4];
        BlurAxis(result.Pixels, image.Width, image.Height, 4, kernel, horizontal: true, scratch);
        BlurAxis(result.Pixels, image.Width, image.Height, 4, kernel, horizontal: false, scratch);
        return result;
    }

    /// <summary>Convolves every line along one axis in place with <paramref name="kernel"/>; <paramref name="scratch"/> holds one line.</summary>
    internal static void BlurAxis(byte[] pixels, int width, int height, int channels, float[] kernel, bool horizontal, byte[] scratch)
    {
        var length = horizontal ? width : height;
        var lines = horizontal ? height : width;
        var radius = kernel.Length / 2;
        for (var line = 0; line < lines; line++)
        {
            for (var i = 0; i < length; i++)
            {
                for (var c = 0; c < channels; c++)
                {
                    scratch[(i * channels) + c] = pixels[Index(line, i) + c];
                }
            }

            for (var i = 0; i < length; i++)
            {
                for (var c = 0; c < channels; c++)
                {
                    float sum = 0;
                    for (var k = 0; k < kernel.Length; k++)
                    {
                        sum += kernel[k] * scratch[(Reflect101(i + k - radius, length) * channels) + c];
                    }

                    pixels[Index(line, i) + c] = (byte)Math.Clamp((int)MathF.Round(sum, MidpointRounding.ToEven), 0, 255);
                }
            }
        }

        int Index(int line, int i) => (horizontal ? (line * width) + i : (i * width) + line) * channels;
    }

    /// <summary>OpenCV BORDER_REFLECT_101: gfedcb|abcdefgh|gfedcba.</summary>
    internal static int Reflect101(int i, int length)
    {
        if (length == 1)
        {
            return 0;
        }

        var period = 2 * (length - 1);
        i = Math.Abs(i) % period;
        return i < length ? i : period - i;
    }
}
