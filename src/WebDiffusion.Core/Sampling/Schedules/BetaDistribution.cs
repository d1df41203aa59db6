namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>The Beta(α, β) distribution's CDF (regularised incomplete beta) and its inverse, for the Beta schedule.</summary>
public static class BetaDistribution
{
    /// <summary>I_x(α, β), by the continued fraction (modified Lentz), using the symmetry for x &gt; (α+1)/(α+β+2).</summary>
    public static double Cdf(double x, double alpha, double beta)
    {
        if (!(alpha > 0) || !(beta > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), "Beta distribution parameters must be positive.");
        }

        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var logFront = (alpha * Math.Log(x)) + (beta * Math.Log(1 - x)) - LogBeta(alpha, beta);
        if (x < (alpha + 1) / (alpha + beta + 2))
        {
            return Math.Exp(logFront) * ContinuedFraction(x, alpha, beta) / alpha;
        }

        return 1 - (Math.Exp(logFront) * ContinuedFraction(1 - x, beta, alpha) / beta);
    }

    /// <summary>The quantile: the x in [0, 1] with <see cref="Cdf"/>(x) = p (bisection to double precision).</summary>
    public static double Ppf(double p, double alpha, double beta)
    {
        if (p <= 0)
        {
            return 0;
        }

        if (p >= 1)
        {
            return 1;
        }

        double lo = 0, hi = 1;
        for (var i = 0; i < 200 && hi - lo > 1e-15; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (Cdf(mid, alpha, beta) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    // Lanczos approximation (g = 7, n = 9), ~15 significant digits.
    private static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        var a = c[0];
        var t = x + 7.5;
        for (var i = 1; i < 9; i++)
        {
            a += c[i] / (x + i);
        }

        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(a);
    }

    private static double ContinuedFraction(double x, double a, double b)
    {
        const double Tiny = 1e-300;
        var qab = a + b;
        var qap = a + 1;
        var qam = a - 1;
        var c = 1.0;
        var d = 1 - (qab * x / qap);
        d = Math.Abs(d) < Tiny ? Tiny : d;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 300; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            var del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < 1e-15)
            {
                break;
            }
        }

        return h;
    }
}
