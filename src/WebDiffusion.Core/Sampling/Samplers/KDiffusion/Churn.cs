namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>Karras churn shared by Euler, Heun and DPM2: raise σ to σ̂ = σ(1 + γ) by adding noise.</summary>
internal static class Churn
{
    /// <summary>Returns σ̂ for step <paramref name="i"/> and adds the churn noise to x (using <paramref name="scratch"/>).</summary>
    public static double Apply(SamplerRun run, int i, Memory<float> scratch)
    {
        var p = run.P;
        var sigma = (double)run.Sigmas[i];
        var n = run.Sigmas.Length - 1;
        var tmax = p.STmax <= 0 ? double.PositiveInfinity : p.STmax;
        var gamma = p.SChurn > 0 && sigma >= p.STmin && sigma <= tmax ? Math.Min(p.SChurn / n, Math.Sqrt(2) - 1) : 0;
        if (gamma <= 0)
        {
            return sigma;
        }

        var sigmaHat = sigma * (gamma + 1);
        run.AncestralNoise.Sample(run.Sigmas[i], run.Sigmas[i + 1], scratch.Span);
        SpanOps.AddScaled(run.X.Span, scratch.Span, p.SNoise * Math.Sqrt((sigmaHat * sigmaHat) - (sigma * sigma)));
        return sigmaHat;
    }
}
