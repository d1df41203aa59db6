using System.Numerics.Tensors;

namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>Allocation-free vector helpers for the samplers.</summary>
internal static class SpanOps
{
    /// <summary>dst = a·x + b·y (dst may be x or y).</summary>
    public static void Lin(ReadOnlySpan<float> x, double a, ReadOnlySpan<float> y, double b, Span<float> dst)
    {
        if (dst.Overlaps(y))
        {
            TensorPrimitives.Multiply(y, (float)b, dst);
            TensorPrimitives.MultiplyAdd(x, (float)a, dst, dst);
        }
        else
        {
            TensorPrimitives.Multiply(x, (float)a, dst);
            TensorPrimitives.MultiplyAdd(y, (float)b, dst, dst);
        }
    }

    /// <summary>x += a·y.</summary>
    public static void AddScaled(Span<float> x, ReadOnlySpan<float> y, double a) => TensorPrimitives.MultiplyAdd(y, (float)a, x, x);

    /// <summary>d = (x − denoised) / σ.</summary>
    public static void ToD(ReadOnlySpan<float> x, ReadOnlySpan<float> denoised, double sigma, Span<float> d)
    {
        TensorPrimitives.Subtract(x, denoised, d);
        TensorPrimitives.Multiply(d, (float)(1.0 / sigma), d);
    }

    /// <summary>k-diffusion's <c>get_ancestral_step</c>: (σ_down, σ_up) for an ancestral step σ → σ'.</summary>
    public static (double Down, double Up) AncestralStep(double sigmaFrom, double sigmaTo, double eta)
    {
        if (eta == 0 || sigmaTo <= 0)
        {
            return (sigmaTo, 0);
        }

        var up = Math.Min(sigmaTo, eta * Math.Sqrt(sigmaTo * sigmaTo * ((sigmaFrom * sigmaFrom) - (sigmaTo * sigmaTo)) / (sigmaFrom * sigmaFrom)));
        var down = Math.Sqrt((sigmaTo * sigmaTo) - (up * up));
        return (down, up);
    }

    /// <summary>exp(x) − 1 without cancellation for small x (Kahan's method).</summary>
    public static double ExpM1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        var um1 = u - 1.0;
        if (um1 == -1.0)
        {
            return -1.0;
        }

        return double.IsInfinity(u) ? u : um1 * x / Math.Log(u);
    }
}
