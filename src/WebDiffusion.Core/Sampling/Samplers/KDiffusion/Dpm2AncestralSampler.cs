namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>k-diffusion <c>sample_dpm_2_ancestral</c>.</summary>
internal sealed class Dpm2AncestralSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    protected override int BufferCount => 3;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var n = sigmas.Length - 1;
        var eta = Eta(run);
        var den = run.Buffer(0);
        var d = run.Buffer(1);
        var x2 = run.Buffer(2);
        for (var i = 0; i < n; i++)
        {
            await run.DenoiseAsync(run.X, sigmas[i], den, cancellationToken).ConfigureAwait(false);
            run.Report(i, n, sigmas[i], run.X.Span, den.Span);
            var (down, up) = SpanOps.AncestralStep(sigmas[i], sigmas[i + 1], eta);
            SpanOps.ToD(run.X.Span, den.Span, sigmas[i], d.Span);
            if (down == 0)
            {
                SpanOps.AddScaled(run.X.Span, d.Span, down - sigmas[i]);
                continue;
            }

            var sigmaMid = Math.Exp(0.5 * (Math.Log(sigmas[i]) + Math.Log(down)));
            SpanOps.Lin(run.X.Span, 1, d.Span, sigmaMid - sigmas[i], x2.Span);
            await run.DenoiseAsync(x2, sigmaMid, den, cancellationToken).ConfigureAwait(false);
            SpanOps.ToD(x2.Span, den.Span, sigmaMid, x2.Span);
            SpanOps.AddScaled(run.X.Span, x2.Span, down - sigmas[i]);
            if (up > 0)
            {
                run.AncestralNoise.Sample(sigmas[i], sigmas[i + 1], d.Span);
                SpanOps.AddScaled(run.X.Span, d.Span, run.P.SNoise * up);
            }
        }
    }
}
