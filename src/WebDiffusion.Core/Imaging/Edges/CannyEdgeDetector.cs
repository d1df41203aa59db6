using WebDiffusion.Core.Imaging.Filters;
using WebDiffusion.Core.Imaging.Masks;

namespace WebDiffusion.Core.Imaging.Edges;

/// <summary>Canny edge detection: optional 5×5 Gaussian, 3×3 Sobel, non-maximum suppression, double threshold with hysteresis.</summary>
public static class CannyEdgeDetector
{
    /// <summary>Edges of an RGBA image (on its luma) as a 0/255 map.</summary>
    public static GrayImage Detect(RgbaImage image, CannyOptions? options = null) => Detect(MaskOperations.ToGrayscale(image), options);

    /// <summary>Edges of a greyscale image as a 0/255 map.</summary>
    public static GrayImage Detect(GrayImage image, CannyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= new CannyOptions();
        if (options.LowThreshold > options.HighThreshold)
        {
            options = options with { LowThreshold = options.HighThreshold, HighThreshold = options.LowThreshold };
        }

        var w = image.Width;
        var h = image.Height;
        var src = image;
        if (options.PreBlurSigma > 0)
        {
            src = image.Clone();
            var kernel = GaussianKernel.Create(5, options.PreBlurSigma);
            var scratch = new byte[Math.Max(w, h)];
            GaussianBlur.BlurAxis(src.Pixels, w, h, 1, kernel, horizontal: true, scratch);
            GaussianBlur.BlurAxis(src.Pixels, w, h, 1, kernel, horizontal: false, scratch);
        }

        var gx = new int[w * h];
        var gy = new int[w * h];
        var magnitude = new float[w * h];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                int P(int dx, int dy) => src.Pixels[(Math.Clamp(y + dy, 0, h - 1) * w) + Math.Clamp(x + dx, 0, w - 1)];
                var sx = -P(-1, -1) - (2 * P(-1, 0)) - P(-1, 1) + P(1, -1) + (2 * P(1, 0)) + P(1, 1);
                var sy = -P(-1, -1) - (2 * P(0, -1)) - P(1, -1) + P(-1, 1) + (2 * P(0, 1)) + P(1, 1);
                var i = (y * w) + x;
                gx[i] = sx;
                gy[i] = sy;
                magnitude[i] = options.L2Gradient ? MathF.Sqrt((sx * sx) + (sy * sy)) : Math.Abs(sx) + Math.Abs(sy);
            }
        }

        // 0 = none, 1 = weak, 2 = strong
        var state = new byte[w * h];
        const double Tan22 = 0.41421356237;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var i = (y * w) + x;
                var m = magnitude[i];
                if (m <= options.LowThreshold)
                {
                    continue;
                }

                float M(int dx, int dy)
                {
                    int xx = x + dx, yy = y + dy;
                    return xx < 0 || yy < 0 || xx >= w || yy >= h ? 0f : magnitude[(yy * w) + xx];
                }

                var ax = Math.Abs(gx[i]);
                var ay = Math.Abs(gy[i]);
                bool isMax;
                if (ay <= ax * Tan22)
                {
                    isMax = m > M(-1, 0) && m >= M(1, 0);
                }
                else if (ay >= ax / Tan22)
                {
                    isMax = m > M(0, -1) && m >= M(0, 1);
                }
                else
                {
                    var s = (gx[i] ^ gy[i]) < 0 ? -1 : 1;
                    isMax = m > M(-s, -1) && m > M(s, 1);
                }

                if (isMax)
                {
                    state[i] = m > options.HighThreshold ? (byte)2 : (byte)1;
                }
            }
        }

        var result = new GrayImage(w, h);
        var stack = new Stack<int>();
        for (var i = 0; i < state.Length; i++)
        {
            if (state[i] == 2 && result.Pixels[i] == 0)
            {
                result.Pixels[i] = 255;
                stack.Push(i);
                while (stack.Count > 0)
                {
                    var p = stack.Pop();
                    int px = p % w, py = p / w;
                    for (var dy = -1; dy <= 1; dy++)
                    {
                        for (var dx = -1; dx <= 1; dx++)
                        {
                            int nx = px + dx, ny = py + dy;
                            if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                            {
                                continue;
                            }

                            var n = (ny * w) + nx;
                            if (state[n] != 0 && result.Pixels[n] == 0)
                            {
                                result.Pixels[n] = 255;
                                stack.Push(n);
                            }
                        }
                    }
                }
            }
        }

        return result;
    }
}
