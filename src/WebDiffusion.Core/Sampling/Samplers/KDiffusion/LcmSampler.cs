namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>A1111's <c>sample_lcm</c>: jump to D, then re-noise to the next σ with fresh noise.</summary>
internal sealed class LcmSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    protected override int BufferCount => 2;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var n = sigmas.Length - 1;
        var den = run.Buffer(0);
        var noise = run.Buffer(1);
        for (var i = 0; i < n; i++)
        {
            await run.DenoiseAsync(run.X, sigmas[i], den, cancellationToken).ConfigureAwait(false);
            run.Report(i, n, sigmas[i], run.X.Span, den.Span);
            den.Span.CopyTo(run.X.Span);
            if (sigmas[i + 1] > 0)
            {
                run.AncestralNoise.Sample(sigmas[i], sigmas[i + 1], noise.Span);
                SpanOps.AddScaled(run.X.Span, noise.Span, sigmas[i + 1]);
            }
        }
    }
}
