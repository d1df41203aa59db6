namespace WebDiffusion.Core.Imaging.Resize;

/// <summary>The filter functions and their supports, as PIL defines them.</summary>
internal static class ResampleKernels
{
    public static double Support(ResampleFilter filter) => filter switch
    {
        ResampleFilter.Nearest => 0.5,
        ResampleFilter.Bilinear => 1.0,
        ResampleFilter.Bicubic => 2.0,
        _ => 3.0,
    };

    public static double Evaluate(ResampleFilter filter, double x) => filter switch
    {
        ResampleFilter.Nearest => x is >= -0.5 and < 0.5 ? 1.0 : 0.0,
        ResampleFilter.Bilinear => Triangle(x),
        ResampleFilter.Bicubic => Cubic(x, -0.5),
        _ => Lanczos(x, 3.0),
    };

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static double Cubic(double x, double a)
    {
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return (((a + 2.0) * x) - (a + 3.0)) * x * x + 1.0;
        }

        if (x < 2.0)
        {
            return (((((x - 5.0) * x) + 8.0) * x) - 4.0) * a;
        }

        return 0.0;
    }

    private static double Sinc(double x)
    {
        if (x == 0.0)
        {
            return 1.0;
        }

        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static double Lanczos(double x, double lobes) => x > -lobes && x < lobes ? Sinc(x) * Sinc(x / lobes) : 0.0;
}
