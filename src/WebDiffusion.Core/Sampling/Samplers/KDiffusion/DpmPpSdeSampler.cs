namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>k-diffusion <c>sample_dpmpp_sde</c>: DPM-Solver++ (stochastic, r = 1/2) with Brownian-tree noise.</summary>
internal sealed class DpmPpSdeSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    private const double R = 0.5;

    protected override int BufferCount => 4;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var n = sigmas.Length - 1;
        var eta = Eta(run);
        var sNoise = run.P.SNoise;
        var den = run.Buffer(0);
        var den2 = run.Buffer(1);
        var x2 = run.Buffer(2);
        var noise = run.Buffer(3);
        var brownian = run.Brownian();
        for (var i = 0; i < n; i++)
        {
            double sigma = sigmas[i], next = sigmas[i + 1];
            await run.DenoiseAsync(run.X, sigma, den, cancellationToken).ConfigureAwait(false);
            run.Report(i, n, sigma, run.X.Span, den.Span);
            if (next == 0)
            {
                den.Span.CopyTo(run.X.Span);
                continue;
            }

            var t = -Math.Log(sigma);
            var tNext = -Math.Log(next);
            var h = tNext - t;
            var s = t + (h * R);
            var sigmaS = Math.Exp(-s);
            const double Fac = 1 / (2 * R);

            // Step 1: to s (ancestral split), noise over [σ, σ_s].
            var (sd, su) = SpanOps.AncestralStep(sigma, sigmaS, eta);
            var sPrime = -Math.Log(sd);
            SpanOps.Lin(run.X.Span, sd / sigma, den.Span, -SpanOps.ExpM1(t - sPrime), x2.Span);
            if (su > 0)
            {
                brownian.Sample((float)sigma, (float)sigmaS, noise.Span);
                SpanOps.AddScaled(x2.Span, noise.Span, sNoise * su);
            }

            await run.DenoiseAsync(x2, sigmaS, den2, cancellationToken).ConfigureAwait(false);

            // Step 2: to t_next with D_d = (1 − fac)·D + fac·D2.
            (sd, su) = SpanOps.AncestralStep(sigma, next, eta);
            var tNextPrime = -Math.Log(sd);
            SpanOps.Lin(den.Span, 1 - Fac, den2.Span, Fac, den2.Span);
            SpanOps.Lin(run.X.Span, sd / sigma, den2.Span, -SpanOps.ExpM1(t - tNextPrime), run.X.Span);
            if (su > 0)
            {
                brownian.Sample((float)sigma, (float)next, noise.Span);
                SpanOps.AddScaled(run.X.Span, noise.Span, sNoise * su);
            }
        }
    }
}
