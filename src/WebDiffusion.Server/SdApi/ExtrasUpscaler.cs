using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Resize;

namespace WebDiffusion.Server.SdApi;

/// <summary>Runs an <see cref="ExtrasPlan"/> on decoded pixels (A1111 converts to RGB first: alpha is dropped, not composited).</summary>
public static class ExtrasUpscaler
{
    public static RgbaImage Apply(RgbaImage source, ExtrasPlan plan, string upscaler)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(plan);
        var image = source.Clone();
        DropAlpha(image);
        if (plan.Identity)
        {
            return image;
        }

        if (image.Width != plan.ScaledWidth || image.Height != plan.ScaledHeight)
        {
            var filter = upscaler == "Nearest" ? ResampleFilter.Nearest : ResampleFilter.Lanczos3;
            image = Resampler.Resize(image, plan.ScaledWidth, plan.ScaledHeight, filter);
        }

        if (image.Width != plan.DestWidth || image.Height != plan.DestHeight)
        {
            image = Resampler.Resize(image, plan.DestWidth, plan.DestHeight, ResampleFilter.Lanczos3);
        }

        return plan.CropToTarget ? CenterOnCanvas(image, plan.Width, plan.Height) : image;
    }

    private static void DropAlpha(RgbaImage image)
    {
        var pixels = image.Pixels;
        for (var i = 3; i < pixels.Length; i += 4)
        {
            pixels[i] = 255;
        }
    }

    /// <summary>PIL's <c>Image.new("RGB", size).paste(image, (w//2 - iw//2, h//2 - ih//2))</c>: black borders or a centre crop.</summary>
    private static RgbaImage CenterOnCanvas(RgbaImage image, int width, int height)
    {
        var canvas = RgbaImage.Filled(width, height, 0, 0, 0);
        var offsetX = (width / 2) - (image.Width / 2);
        var offsetY = (height / 2) - (image.Height / 2);
        var x0 = Math.Max(0, offsetX);
        var x1 = Math.Min(width, offsetX + image.Width);
        if (x1 <= x0)
        {
            return canvas;
        }

        for (var y = Math.Max(0, offsetY); y < Math.Min(height, offsetY + image.Height); y++)
        {
            var sourceRow = image.Row(y - offsetY).Slice((x0 - offsetX) * RgbaImage.Channels, (x1 - x0) * RgbaImage.Channels);
            sourceRow.CopyTo(canvas.Row(y)[(x0 * RgbaImage.Channels)..]);
        }

        return canvas;
    }
}
