namespace WebDiffusion.Core.Imaging.Tensors;

/// <summary>
/// Conversions between RGB(A) images and [-1, 1] float tensors in N, C, H, W order, with A1111's arithmetic:
/// <c>x / 255 × 2 − 1</c> in, <c>uint8(255 × clamp((x + 1) / 2, 0, 1))</c> (truncation) out.
/// </summary>
public static class ImageTensor
{
    /// <summary>Writes the RGB channels of <paramref name="image"/> as 3 × H × W floats in [-1, 1] (alpha is ignored).</summary>
    public static void ToTensor(RgbaImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        var plane = image.Width * image.Height;
        if (destination.Length != 3 * plane)
        {
            throw new ArgumentException($"Destination must hold 3x{image.Height}x{image.Width} = {3 * plane} floats; it holds {destination.Length}.", nameof(destination));
        }

        var p = image.Pixels;
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                var unit = p[(i * 4) + c] / 255f;
                destination[(c * plane) + i] = (2f * unit) - 1f;
            }
        }
    }

    /// <summary>A batch (N, 3, H, W) from images that all share one size.</summary>
    public static float[] ToTensor(IReadOnlyList<RgbaImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
        {
            throw new ArgumentException("At least one image is needed.", nameof(images));
        }

        var w = images[0].Width;
        var h = images[0].Height;
        var per = 3 * w * h;
        var tensor = new float[images.Count * per];
        for (var n = 0; n < images.Count; n++)
        {
            if (images[n].Width != w || images[n].Height != h)
            {
                throw new ArgumentException($"Image {n} is {images[n].Width}x{images[n].Height}; all images in a batch must be {w}x{h}.", nameof(images));
            }

            ToTensor(images[n], tensor.AsSpan(n * per, per));
        }

        return tensor;
    }

    /// <summary>Writes a 3 × H × W tensor in [-1, 1] into <paramref name="destination"/> (opaque), clamping and truncating as A1111 does.</summary>
    public static void FromTensor(ReadOnlySpan<float> source, RgbaImage destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var plane = destination.Width * destination.Height;
        if (source.Length != 3 * plane)
        {
            throw new ArgumentException($"Source must hold 3x{destination.Height}x{destination.Width} = {3 * plane} floats; it holds {source.Length}.", nameof(source));
        }

        var p = destination.Pixels;
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                p[(i * 4) + c] = ToByte(source[(c * plane) + i]);
            }

            p[(i * 4) + 3] = 255;
        }
    }

    /// <summary>Images from a batch tensor (N, 3, H, W).</summary>
    public static RgbaImage[] FromTensor(ReadOnlySpan<float> tensor, int batch, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        var per = 3 * height * width;
        if (tensor.Length != batch * per)
        {
            throw new ArgumentException($"Tensor holds {tensor.Length} floats; expected {batch}x3x{height}x{width}.", nameof(tensor));
        }

        var images = new RgbaImage[batch];
        for (var n = 0; n < batch; n++)
        {
            images[n] = new RgbaImage(width, height);
            FromTensor(tensor.Slice(n * per, per), images[n]);
        }

        return images;
    }

    /// <summary>A mask as 1 × H × W floats in [0, 1] (value / 255), optionally rounded to {0, 1} as A1111's <c>mask_round</c>.</summary>
    public static void MaskToTensor(GrayImage mask, Span<float> destination, bool round = false)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (destination.Length != mask.Pixels.Length)
        {
            throw new ArgumentException($"Destination must hold {mask.Pixels.Length} floats.", nameof(destination));
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var v = mask.Pixels[i] / 255f;
            destination[i] = round ? MathF.Round(v, MidpointRounding.ToEven) : v;
        }
    }

    /// <summary>One [-1, 1] value to a byte: <c>(byte)(255 × clamp((x + 1) / 2, 0, 1))</c>, NaN → 0.</summary>
    public static byte ToByte(float x)
    {
        var unit = (x + 1f) / 2f;
        unit = unit > 1f ? 1f : unit >= 0f ? unit : 0f;
        return (byte)(255f * unit);
    }
}
