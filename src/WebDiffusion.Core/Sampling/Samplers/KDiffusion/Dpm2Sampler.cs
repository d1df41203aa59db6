namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>k-diffusion <c>sample_dpm_2</c>: midpoint in log σ (DPM-Solver-2 inspired).</summary>
internal sealed class Dpm2Sampler(SamplerInfo info) : KDiffusionSampler(info)
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
            if (sigmas[i + 1] == 0)
            {
                SpanOps.AddScaled(run.X.Span, d.Span, sigmas[i + 1] - sigmaHat);
                continue;
            }

            var sigmaMid = Math.Exp(0.5 * (Math.Log(sigmaHat) + Math.Log(sigmas[i + 1])));
            SpanOps.Lin(run.X.Span, 1, d.Span, sigmaMid - sigmaHat, x2.Span);
            await run.DenoiseAsync(x2, sigmaMid, den, cancellationToken).ConfigureAwait(false);
            SpanOps.ToD(x2.Span, den.Span, sigmaMid, x2.Span);
            SpanOps.AddScaled(run.X.Span, x2.Span, sigmas[i + 1] - sigmaHat);
        }
    }
}
