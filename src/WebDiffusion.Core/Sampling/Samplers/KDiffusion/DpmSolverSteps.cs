namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>
/// k-diffusion's <c>DPMSolver</c> single-step updates in t = −ln σ (noise-prediction form: ε = (x − D)/σ).
/// Buffers: eps (ε at t), epsR1, epsR2, u (scratch).
/// </summary>
internal sealed class DpmSolverSteps(SamplerRun run, Memory<float> eps, Memory<float> epsR1, Memory<float> epsR2, Memory<float> u)
{
    public static double Sigma(double t) => Math.Exp(-t);

    /// <summary>ε(x, t) into <paramref name="destination"/>; returns nothing, writes D into <paramref name="denoised"/> as a by-product.</summary>
    public async ValueTask EpsAsync(Memory<float> x, double t, Memory<float> destination, Memory<float> denoised, CancellationToken cancellationToken)
    {
        var sigma = Sigma(t);
        await run.DenoiseAsync(x, sigma, denoised, cancellationToken).ConfigureAwait(false);
        SpanOps.ToD(x.Span, denoised.Span, sigma, destination.Span);
    }

    /// <summary>DPM-Solver-1: x − σ(t')·expm1(h)·ε.</summary>
    public void Step1(ReadOnlySpan<float> x, double t, double tNext, Span<float> result)
    {
        var h = tNext - t;
        SpanOps.Lin(x, 1, eps.Span, -Sigma(tNext) * SpanOps.ExpM1(h), result);
    }

    /// <summary>DPM-Solver-2 with intermediate point r1 (computes ε at u1 into epsR1 unless <paramref name="cached"/>).</summary>
    public async ValueTask Step2Async(Memory<float> x, double t, double tNext, double r1, Memory<float> result, bool cached, CancellationToken cancellationToken)
    {
        var h = tNext - t;
        if (!cached)
        {
            var s1 = t + (r1 * h);
            SpanOps.Lin(x.Span, 1, eps.Span, -Sigma(s1) * SpanOps.ExpM1(r1 * h), u.Span);
            await EpsAsync(u, s1, epsR1, result, cancellationToken).ConfigureAwait(false);
        }

        var a = -Sigma(tNext) * SpanOps.ExpM1(h);
        var b = -Sigma(tNext) / (2 * r1) * SpanOps.ExpM1(h);
        // x + a·ε + b·(ε_r1 − ε)
        SpanOps.Lin(x.Span, 1, eps.Span, a - b, result.Span);
        SpanOps.AddScaled(result.Span, epsR1.Span, b);
    }

    /// <summary>DPM-Solver-3 (r1 = 1/3, r2 = 2/3); ε at u1 may already be in epsR1.</summary>
    public async ValueTask Step3Async(Memory<float> x, double t, double tNext, Memory<float> result, bool r1Cached, CancellationToken cancellationToken)
    {
        const double R1 = 1.0 / 3.0;
        const double R2 = 2.0 / 3.0;
        var h = tNext - t;
        var s1 = t + (R1 * h);
        var s2 = t + (R2 * h);
        if (!r1Cached)
        {
            SpanOps.Lin(x.Span, 1, eps.Span, -Sigma(s1) * SpanOps.ExpM1(R1 * h), u.Span);
            await EpsAsync(u, s1, epsR1, result, cancellationToken).ConfigureAwait(false);
        }

        // u2 = x − σ(s2)·expm1(r2 h)·ε − σ(s2)·(r2/r1)·(expm1(r2 h)/(r2 h) − 1)·(ε_r1 − ε)
        var a = -Sigma(s2) * SpanOps.ExpM1(R2 * h);
        var b = -Sigma(s2) * (R2 / R1) * ((SpanOps.ExpM1(R2 * h) / (R2 * h)) - 1);
        SpanOps.Lin(x.Span, 1, eps.Span, a - b, u.Span);
        SpanOps.AddScaled(u.Span, epsR1.Span, b);
        await EpsAsync(u, s2, epsR2, result, cancellationToken).ConfigureAwait(false);

        // x3 = x − σ(t')·expm1(h)·ε − σ(t')/r2·(expm1(h)/h − 1)·(ε_r2 − ε)
        var c = -Sigma(tNext) * SpanOps.ExpM1(h);
        var d = -Sigma(tNext) / R2 * ((SpanOps.ExpM1(h) / h) - 1);
        SpanOps.Lin(x.Span, 1, eps.Span, c - d, result.Span);
        SpanOps.AddScaled(result.Span, epsR2.Span, d);
    }
}
