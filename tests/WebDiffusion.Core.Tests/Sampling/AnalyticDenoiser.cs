using WebDiffusion.Core.Sampling.Samplers;

namespace WebDiffusion.Core.Tests.Sampling;

/// <summary>
/// The exact denoiser for data x₀ ~ N(μᵢ, s²) per element: D(x, σ) = (s²·x + σ²·μ)/(s² + σ²). The probability-flow ODE
/// then has the closed form x(σ) = μ + (x(σ₀) − μ)·sqrt((s² + σ²)/(s² + σ₀²)).
/// </summary>
internal sealed class AnalyticDenoiser(float[] mu, double s) : IDenoiser
{
    public double S { get; } = s;

    public float[] Mu { get; } = mu;

    public int Calls { get; private set; }

    public ValueTask DenoiseAsync(ReadOnlyMemory<float> x, float sigma, Memory<float> denoised, CancellationToken cancellationToken)
    {
        Calls++;
        var xs = x.Span;
        var d = denoised.Span;
        var s2 = S * S;
        var sig2 = (double)sigma * sigma;
        var a = s2 / (s2 + sig2);
        var b = sig2 / (s2 + sig2);
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = (float)((a * xs[i]) + (b * Mu[i % Mu.Length]));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The exact ODE solution at σ from x(σ₀).</summary>
    public double Exact(int i, double x0, double sigma0, double sigma) =>
        Mu[i % Mu.Length] + ((x0 - Mu[i % Mu.Length]) * Math.Sqrt(((S * S) + (sigma * sigma)) / ((S * S) + (sigma0 * sigma0))));
}
