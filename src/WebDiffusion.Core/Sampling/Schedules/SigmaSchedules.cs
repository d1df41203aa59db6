namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>
/// The sigma schedules of k-diffusion and A1111's <c>modules/sd_schedulers.py</c>. Each returns the σ sequence a
/// sampler walks, high to low, normally n values plus a trailing 0.
/// </summary>
public static class SigmaSchedules
{
    /// <summary>Align Your Steps, SD1.5 (NVIDIA's published 10-step list).</summary>
    private static readonly double[] AysSd15 = [14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029];

    /// <summary>Align Your Steps, SDXL.</summary>
    private static readonly double[] AysSdxl = [14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.380, 0.234, 0.113, 0.029];

    /// <summary>Karras et al. (2022): (σmax^(1/ρ) + i/(n−1)·(σmin^(1/ρ) − σmax^(1/ρ)))^ρ, plus 0.</summary>
    public static float[] Karras(int n, double sigmaMin, double sigmaMax, double rho = 7.0)
    {
        CheckRange(n, sigmaMin, sigmaMax);
        var result = new float[n + 1];
        var minInv = Math.Pow(sigmaMin, 1 / rho);
        var maxInv = Math.Pow(sigmaMax, 1 / rho);
        for (var i = 0; i < n; i++)
        {
            result[i] = (float)Math.Pow(maxInv + (Ramp(i, n) * (minInv - maxInv)), rho);
        }

        return result;
    }

    /// <summary>Log-linear from σmax to σmin, plus 0.</summary>
    public static float[] Exponential(int n, double sigmaMin, double sigmaMax)
    {
        CheckRange(n, sigmaMin, sigmaMax);
        var result = new float[n + 1];
        double lmax = Math.Log(sigmaMax), lmin = Math.Log(sigmaMin);
        for (var i = 0; i < n; i++)
        {
            result[i] = (float)Math.Exp(lmax + (Ramp(i, n) * (lmin - lmax)));
        }

        return result;
    }

    /// <summary>exp(ramp^ρ·(ln σmax − ln σmin) + ln σmin) with ramp = linspace(1, 0, n), plus 0.</summary>
    public static float[] Polyexponential(int n, double sigmaMin, double sigmaMax, double rho = 1.0)
    {
        CheckRange(n, sigmaMin, sigmaMax);
        var result = new float[n + 1];
        double lmax = Math.Log(sigmaMax), lmin = Math.Log(sigmaMin);
        for (var i = 0; i < n; i++)
        {
            var ramp = Math.Pow(1 - Ramp(i, n), rho);
            result[i] = (float)Math.Exp((ramp * (lmax - lmin)) + lmin);
        }

        return result;
    }

    /// <summary>KL optimal: tan(i/n·atan σmin + (1 − i/n)·atan σmax) for i = 0..n (n + 1 values, ends at σmin, no 0).</summary>
    public static float[] KlOptimal(int n, double sigmaMin, double sigmaMax)
    {
        CheckRange(n, sigmaMin, sigmaMax);
        var result = new float[n + 1];
        double amin = Math.Atan(sigmaMin), amax = Math.Atan(sigmaMax);
        for (var i = 0; i <= n; i++)
        {
            var f = (double)i / n;
            result[i] = (float)Math.Tan((f * amin) + ((1 - f) * amax));
        }

        return result;
    }

    /// <summary>Align Your Steps: the 11-value list (SD1.5 or SDXL), log-linearly resampled to n values, plus 0.</summary>
    public static float[] AlignYourSteps(int n, bool sdxl = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var source = sdxl ? AysSdxl : AysSd15;
        var result = new float[n + 1];
        if (n == source.Length)
        {
            for (var i = 0; i < n; i++)
            {
                result[i] = (float)source[i];
            }

            return result;
        }

        // Interpolate log σ over the ascending list at linspace(0, 1, n), then reverse back to descending.
        var m = source.Length;
        for (var j = 0; j < n; j++)
        {
            var x = n == 1 ? 0 : (double)j / (n - 1) * (m - 1);
            var k = Math.Min((int)Math.Floor(x), m - 2);
            var w = x - k;
            var a = Math.Log(source[m - 1 - k]);
            var b = Math.Log(source[m - 2 - k]);
            result[n - 1 - j] = (float)Math.Exp(a + (w * (b - a)));
        }

        return result;
    }

    /// <summary>Uniform: the model's own <see cref="DiscreteSchedule.GetSigmas"/>.</summary>
    public static float[] Uniform(DiscreteSchedule model, int n)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.GetSigmas(n);
    }

    /// <summary>Normal: t = linspace(t(σmax), t(σmin), n) mapped back to σ, plus 0.</summary>
    public static float[] Normal(DiscreteSchedule model, int n, double sigmaMin, double sigmaMax) => TimeLinear(model, n, sigmaMin, sigmaMax, sgm: false);

    /// <summary>SGM Uniform: like Normal over n + 1 points with the last dropped, plus 0.</summary>
    public static float[] SgmUniform(DiscreteSchedule model, int n, double sigmaMin, double sigmaMax) => TimeLinear(model, n, sigmaMin, sigmaMax, sgm: true);

    /// <summary>Simple: σ_table[−(1 + ⌊i·N/n⌋)] for i = 0..n−1, plus 0.</summary>
    public static float[] Simple(DiscreteSchedule model, int n)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var sigmas = model.Sigmas;
        var ss = (double)sigmas.Length / n;
        var result = new float[n + 1];
        for (var i = 0; i < n; i++)
        {
            result[i] = sigmas[sigmas.Length - 1 - (int)(i * ss)];
        }

        return result;
    }

    /// <summary>DDIM: every ⌊N/n⌋-th table σ from index 1, reversed, plus 0 (more than n values when n does not divide N).</summary>
    public static float[] Ddim(DiscreteSchedule model, int n)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var sigmas = model.Sigmas;
        var ss = Math.Max(sigmas.Length / n, 1);
        var count = ((sigmas.Length - 2) / ss) + 1;
        var result = new float[count + 1];
        var j = count - 1;
        for (var x = 1; x < sigmas.Length; x += ss)
        {
            result[j--] = sigmas[x];
        }

        return result;
    }

    /// <summary>
    /// Beta (Lee et al. 2024, as in A1111 v1.10.1): σmin + ppf(1 − i/(n−1); α, β)·(σmax − σmin), plus 0
    /// (interpolated in σ; A1111's later dev branch interpolates in timestep space instead).
    /// </summary>
    public static float[] Beta(int n, double sigmaMin, double sigmaMax, double alpha = 0.6, double beta = 0.6)
    {
        CheckRange(n, sigmaMin, sigmaMax);
        var result = new float[n + 1];
        for (var i = 0; i < n; i++)
        {
            var q = BetaDistribution.Ppf(1 - Ramp(i, n), alpha, beta);
            result[i] = (float)(sigmaMin + (q * (sigmaMax - sigmaMin)));
        }

        return result;
    }

    private static float[] TimeLinear(DiscreteSchedule model, int n, double sigmaMin, double sigmaMax, bool sgm)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckRange(n, sigmaMin, sigmaMax);
        var start = model.SigmaToT(sigmaMax);
        var end = model.SigmaToT(sigmaMin);
        var points = sgm ? n + 1 : n;
        var result = new float[n + 1];
        for (var i = 0; i < n; i++)
        {
            var t = points == 1 ? start : start + ((end - start) * i / (points - 1));
            result[i] = (float)model.TToSigma(t);
        }

        return result;
    }

    private static double Ramp(int i, int n) => n == 1 ? 0 : (double)i / (n - 1);

    private static void CheckRange(int n, double sigmaMin, double sigmaMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (!(sigmaMin > 0) || !(sigmaMax > sigmaMin) || double.IsInfinity(sigmaMax))
        {
            throw new ArgumentOutOfRangeException(nameof(sigmaMax), $"A schedule needs 0 < sigma_min < sigma_max (got {sigmaMin}, {sigmaMax}).");
        }
    }
}
