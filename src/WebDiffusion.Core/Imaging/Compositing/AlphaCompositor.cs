namespace WebDiffusion.Core.Imaging.Compositing;

/// <summary>Pasting and alpha compositing with PIL's semantics.</summary>
public static class AlphaCompositor
{
    /// <summary>Copies <paramref name="source"/> onto <paramref name="destination"/> at (x, y), clipped (PIL <c>paste</c> without mask).</summary>
    public static void Paste(RgbaImage destination, RgbaImage source, int x, int y)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(source);
        var x0 = Math.Max(0, x);
        var x1 = Math.Min(destination.Width, x + source.Width);
        if (x1 <= x0)
        {
            return;
        }

        for (var dy = Math.Max(0, y); dy < Math.Min(destination.Height, y + source.Height); dy++)
        {
            source.Pixels.AsSpan((((dy - y) * source.Width) + (x0 - x)) * 4, (x1 - x0) * 4)
                .CopyTo(destination.Pixels.AsSpan(((dy * destination.Width) + x0) * 4));
        }
    }

    /// <summary>
    /// PIL <c>paste(source, (x, y), mask)</c>: each channel becomes <c>source × m + destination × (1 − m)</c> with m = mask / 255.
    /// The mask has the size of <paramref name="source"/>.
    /// </summary>
    public static void PasteWithMask(RgbaImage destination, RgbaImage source, GrayImage mask, int x, int y)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Width != source.Width || mask.Height != source.Height)
        {
            throw new ArgumentException($"Mask {mask.Width}x{mask.Height} does not match the pasted image {source.Width}x{source.Height}.", nameof(mask));
        }

        for (var sy = 0; sy < source.Height; sy++)
        {
            var dy = y + sy;
            if (dy < 0 || dy >= destination.Height)
            {
                continue;
            }

            for (var sx = 0; sx < source.Width; sx++)
            {
                var dx = x + sx;
                if (dx < 0 || dx >= destination.Width)
                {
                    continue;
                }

                var m = mask.Pixels[(sy * source.Width) + sx];
                var s = ((sy * source.Width) + sx) * 4;
                var d = ((dy * destination.Width) + dx) * 4;
                for (var c = 0; c < 4; c++)
                {
                    destination.Pixels[d + c] = (byte)(((source.Pixels[s + c] * m) + (destination.Pixels[d + c] * (255 - m)) + 127) / 255);
                }
            }
        }
    }

    /// <summary>PIL <c>alpha_composite</c>: draws <paramref name="overlay"/> over <paramref name="destination"/> in place ("over" operator).</summary>
    public static void Over(RgbaImage destination, RgbaImage overlay)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(overlay);
        if (destination.Width != overlay.Width || destination.Height != overlay.Height)
        {
            throw new ArgumentException("Overlay and destination must have the same size.", nameof(overlay));
        }

        var d = destination.Pixels;
        var s = overlay.Pixels;
        for (var i = 0; i < d.Length; i += 4)
        {
            var sa = s[i + 3] / 255f;
            var da = d[i + 3] / 255f;
            var outA = sa + (da * (1 - sa));
            if (outA <= 0)
            {
                d[i] = d[i + 1] = d[i + 2] = d[i + 3] = 0;
                continue;
            }

            for (var c = 0; c < 3; c++)
            {
                d[i + c] = (byte)Math.Clamp(MathF.Round(((s[i + c] * sa) + (d[i + c] * da * (1 - sa))) / outA), 0, 255);
            }

            d[i + 3] = (byte)MathF.Round(outA * 255f);
        }
    }
}
