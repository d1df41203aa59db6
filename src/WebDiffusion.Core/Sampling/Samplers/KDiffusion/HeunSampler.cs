namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>k-diffusion <c>sample_heun</c> (Karras et al. Algorithm 2): Euler predictor, trapezoidal corrector.</summary>
internal sealed class HeunSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    protected override int BufferCount => 4;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var n = sigmas.Length - 1;
        var den = run.Buffer(0);
        var d = run.Buffer(1);
        var x2 = run.Buffer(2);
        var scratch = run.Buffer(3);
        for (var i = 0; i < n; i++)
        {
            var sigmaHat = Churn.Apply(run, i, scratch);
            await run.DenoiseAsync(run.X, sigmaHat, den, cancellationToken).ConfigureAwait(false);
            run.Report(i, n, sigmaHat, run.X.Span, den.Span);
            SpanOps.ToD(run.X.Span, den.Span, sigmaHat, d.Span);
            var dt = sigmas[i + 1] - sigmaHat;
            if (sigmas[i + 1] == 0)
            {
                SpanOps.AddScaled(run.X.Span, d.Span, dt);
                continue;
            }

            SpanOps.Lin(run.X.Span, 1, d.Span, dt, x2.Span);
            await run.DenoiseAsync(x2, sigmas[i + 1], den, cancellationToken).ConfigureAwait(false);
            // d2 = (x2 − D2)/σ'; x += (d + d2)/2 · dt
            SpanOps.ToD(x2.Span, den.Span, sigmas[i + 1], x2.Span);
            SpanOps.AddScaled(run.X.Span, d.Span, dt / 2);
            SpanOps.AddScaled(run.X.Span, x2.Span, dt / 2);
        }
    }
}
