namespace WebDiffusion.Core.Imaging.Masks;

/// <summary>A1111's inpaint "only masked" crop box: <c>get_crop_region_v2</c> and <c>expand_crop_region</c>.</summary>
public static class CropRegion
{
    /// <summary>
    /// The bounding box of the non-zero mask pixels, grown by <paramref name="padding"/> on every side and clamped to the mask;
    /// null when the mask is blank (A1111 then falls back to whole-picture img2img).
    /// </summary>
    public static PixelRect? Find(GrayImage mask, int padding)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        int x1 = mask.Width, y1 = mask.Height, x2 = 0, y2 = 0;
        for (var y = 0; y < mask.Height; y++)
        {
            var row = mask.Pixels.AsSpan(y * mask.Width, mask.Width);
            var first = row.IndexOfAnyExcept((byte)0);
            if (first < 0)
            {
                continue;
            }

            var last = row.LastIndexOfAnyExcept((byte)0);
            x1 = Math.Min(x1, first);
            x2 = Math.Max(x2, last + 1);
            y1 = Math.Min(y1, y);
            y2 = y + 1;
        }

        if (x2 == 0)
        {
            return null;
        }

        return PixelRect.FromBox(Math.Max(x1 - padding, 0), Math.Max(y1 - padding, 0), Math.Min(x2 + padding, mask.Width), Math.Min(y2 + padding, mask.Height));
    }

    /// <summary>
    /// Grows <paramref name="region"/> to the aspect ratio of the processing size, centred, shifted to stay inside the image
    /// (A1111 <c>expand_crop_region</c>, including its integer arithmetic).
    /// </summary>
    public static PixelRect Expand(PixelRect region, int processingWidth, int processingHeight, int imageWidth, int imageHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(processingWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(processingHeight);
        int x1 = region.X, y1 = region.Y, x2 = region.Right, y2 = region.Bottom;
        var ratioCrop = (double)(x2 - x1) / (y2 - y1);
        var ratioProcessing = (double)processingWidth / processingHeight;
        if (ratioCrop > ratioProcessing)
        {
            var desiredHeight = (x2 - x1) / ratioProcessing;
            var diff = (int)(desiredHeight - (y2 - y1));
            y1 -= FloorHalf(diff);
            y2 += diff - FloorHalf(diff);
            if (y2 >= imageHeight)
            {
                var over = y2 - imageHeight;
                y2 -= over;
                y1 -= over;
            }

            if (y1 < 0)
            {
                y2 -= y1;
                y1 = 0;
            }

            if (y2 >= imageHeight)
            {
                y2 = imageHeight;
            }
        }
        else
        {
            var desiredWidth = (y2 - y1) * ratioProcessing;
            var diff = (int)(desiredWidth - (x2 - x1));
            x1 -= FloorHalf(diff);
            x2 += diff - FloorHalf(diff);
            if (x2 >= imageWidth)
            {
                var over = x2 - imageWidth;
                x2 -= over;
                x1 -= over;
            }

            if (x1 < 0)
            {
                x2 -= x1;
                x1 = 0;
            }

            if (x2 >= imageWidth)
            {
                x2 = imageWidth;
            }
        }

        return PixelRect.FromBox(x1, y1, x2, y2);
    }

    private static int FloorHalf(int v) => (int)Math.Floor(v / 2.0);
}
