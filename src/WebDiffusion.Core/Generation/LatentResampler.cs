namespace WebDiffusion.Core.Generation;

/// <summary>Resizes NCHW latents like torch's F.interpolate (align_corners=False) in nearest, bilinear or bicubic mode.</summary>
public static class LatentResampler
{
    /// <summary>Interpolation mode.</summary>
    public enum Mode
    {
        /// <summary>Nearest (torch "nearest": floor(dst·scale)).</summary>
        Nearest,

        /// <summary>Nearest-exact (floor((dst+0.5)·scale)).</summary>
        NearestExact,

        /// <summary>Bilinear.</summary>
        Bilinear,

        /// <summary>Bicubic (a = −0.75, as torch).</summary>
        Bicubic,
    }

    /// <summary>Maps A1111's latent upscaler names to a mode; null when the name is not a latent mode.</summary>
    public static Mode? FromUpscalerName(string name) => name switch
    {
        "Latent" or "Latent (antialiased)" => Mode.Bilinear,
        "Latent (bicubic)" or "Latent (bicubic antialiased)" => Mode.Bicubic,
        "Latent (nearest)" => Mode.Nearest,
        "Latent (nearest-exact)" => Mode.NearestExact,
        _ => null,
    };

    /// <summary>Resizes <paramref name="source"/> (planes × h × w) to planes × outH × outW.</summary>
    public static float[] Resize(ReadOnlySpan<float> source, int planes, int height, int width, int outHeight, int outWidth, Mode mode)
    {
        var result = new float[planes * outHeight * outWidth];
        var sy = (double)height / outHeight;
        var sx = (double)width / outWidth;
        for (var p = 0; p < planes; p++)
        {
            var src = source.Slice(p * height * width, height * width);
            var dst = result.AsSpan(p * outHeight * outWidth, outHeight * outWidth);
            for (var y = 0; y < outHeight; y++)
            {
                for (var x = 0; x < outWidth; x++)
                {
                    dst[(y * outWidth) + x] = mode switch
                    {
                        Mode.Nearest => src[(Math.Min((int)Math.Floor(y * sy), height - 1) * width) + Math.Min((int)Math.Floor(x * sx), width - 1)],
                        Mode.NearestExact => src[(Math.Min((int)Math.Floor((y + 0.5) * sy), height - 1) * width) + Math.Min((int)Math.Floor((x + 0.5) * sx), width - 1)],
                        Mode.Bilinear => Bilinear(src, height, width, Math.Max(0, ((y + 0.5) * sy) - 0.5), Math.Max(0, ((x + 0.5) * sx) - 0.5)),
                        _ => Bicubic(src, height, width, ((y + 0.5) * sy) - 0.5, ((x + 0.5) * sx) - 0.5),
                    };
                }
            }
        }

        return result;
    }

    private static float Bilinear(ReadOnlySpan<float> src, int h, int w, double fy, double fx)
    {
        var y0 = Math.Min((int)fy, h - 1);
        var x0 = Math.Min((int)fx, w - 1);
        var y1 = Math.Min(y0 + 1, h - 1);
        var x1 = Math.Min(x0 + 1, w - 1);
        var ly = fy - y0;
        var lx = fx - x0;
        var top = (src[(y0 * w) + x0] * (1 - lx)) + (src[(y0 * w) + x1] * lx);
        var bottom = (src[(y1 * w) + x0] * (1 - lx)) + (src[(y1 * w) + x1] * lx);
        return (float)((top * (1 - ly)) + (bottom * ly));
    }

    private static float Bicubic(ReadOnlySpan<float> src, int h, int w, double fy, double fx)
    {
        var iy = (int)Math.Floor(fy);
        var ix = (int)Math.Floor(fx);
        var ty = fy - iy;
        var tx = fx - ix;
        double sum = 0;
        for (var m = -1; m <= 2; m++)
        {
            var wy = Cubic(m - ty);
            var yy = Math.Clamp(iy + m, 0, h - 1);
            for (var n = -1; n <= 2; n++)
            {
                sum += wy * Cubic(n - tx) * src[(yy * w) + Math.Clamp(ix + n, 0, w - 1)];
            }
        }

        return (float)sum;
    }

    private static double Cubic(double t)
    {
        const double A = -0.75;
        t = Math.Abs(t);
        return t <= 1 ? (((A + 2) * t) - (A + 3)) * t * t + 1
            : t < 2 ? ((((A * t) - (5 * A)) * t) + (8 * A)) * t - (4 * A)
            : 0;
    }
}
