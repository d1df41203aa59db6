using WebDiffusion.Core.Imaging.Resize;

namespace WebDiffusion.Core.Imaging.Compositing;

/// <summary>A1111's inpaint overlay: the original with the masked area made transparent, composited over the (uncropped) result.</summary>
public static class InpaintCompositor
{
    /// <summary>
    /// The overlay image: <paramref name="original"/> with alpha scaled by <c>255 − mask</c>, so the (blurred) masked area
    /// lets the generated pixels through.
    /// </summary>
    public static RgbaImage CreateOverlay(RgbaImage original, GrayImage maskForOverlay)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(maskForOverlay);
        if (maskForOverlay.Width != original.Width || maskForOverlay.Height != original.Height)
        {
            throw new ArgumentException("The mask must have the size of the original image.", nameof(maskForOverlay));
        }

        var overlay = original.Clone();
        var p = overlay.Pixels;
        for (var i = 0; i < maskForOverlay.Pixels.Length; i++)
        {
            var keep = 255 - maskForOverlay.Pixels[i];
            p[(i * 4) + 3] = (byte)(((p[(i * 4) + 3] * keep) + 127) / 255);
        }

        return overlay;
    }

    /// <summary>
    /// A1111 <c>apply_overlay</c>: when <paramref name="pasteTo"/> is set, the generated image is resized (crop and resize) to the
    /// box and placed on a transparent canvas of the overlay's size ("uncrop"); then the overlay is composited on top and the
    /// result is made opaque.
    /// </summary>
    public static RgbaImage ApplyOverlay(RgbaImage generated, PixelRect? pasteTo, RgbaImage overlay)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(overlay);
        RgbaImage canvas;
        if (pasteTo is { } box)
        {
            canvas = new RgbaImage(overlay.Width, overlay.Height);
            var fitted = A1111Resize.ResizeImage(ResizeMode.CropAndResize, generated, box.Width, box.Height);
            AlphaCompositor.Paste(canvas, fitted, box.X, box.Y);
        }
        else
        {
            canvas = generated.Clone();
        }

        AlphaCompositor.Over(canvas, overlay);
        for (var i = 3; i < canvas.Pixels.Length; i += 4)
        {
            if (canvas.Pixels[i] == 0)
            {
                canvas.Pixels[i - 3] = canvas.Pixels[i - 2] = canvas.Pixels[i - 1] = 0;
            }

            canvas.Pixels[i] = 255;
        }

        return canvas;
    }
}
