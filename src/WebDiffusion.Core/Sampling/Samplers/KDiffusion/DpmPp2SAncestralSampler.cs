namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>k-diffusion <c>sample_dpmpp_2s_ancestral</c>: DPM-Solver++(2S) single-step with ancestral noise.</summary>
internal sealed class DpmPp2SAncestralSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    protected override int BufferCount => 3;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var n = sigmas.Length - 1;
        var eta = Eta(run);
        var den = run.Buffer(0);
        var x2 = run.Buffer(1);
        var noise = run.Buffer(2);
        for (var i = 0; i < n; i++)
        {
            double sigma = sigmas[i];
            await run.DenoiseAsync(run.X, sigma, den, cancellationToken).ConfigureAwait(false);
            run.Report(i, n, sigma, run.X.Span, den.Span);
            var (down, up) = SpanOps.AncestralStep(sigma, sigmas[i + 1], eta);
            if (down == 0)
            {
                // Euler to σ_down = 0 gives x = D.
                den.Span.CopyTo(run.X.Span);
            }
            else
            {
                // t = −ln σ; s = t + h/2.
                var t = -Math.Log(sigma);
                var tNext = -Math.Log(down);
                var h = tNext - t;
                var s = t + (0.5 * h);
                var sigmaS = Math.Exp(-s);
                SpanOps.Lin(run.X.Span, sigmaS / sigma, den.Span, -SpanOps.ExpM1(-h * 0.5), x2.Span);
                await run.DenoiseAsync(x2, sigmaS, den, cancellationToken).ConfigureAwait(false);
                SpanOps.Lin(run.X.Span, down / sigma, den.Span, -SpanOps.ExpM1(-h), run.X.Span);
            }

            if (sigmas[i + 1] > 0 && up > 0)
            {
                run.AncestralNoise.Sample(sigmas[i], sigmas[i + 1], noise.Span);
                SpanOps.AddScaled(run.X.Span, noise.Span, run.P.SNoise * up);
            }
        }
    }
}
