namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>k-diffusion <c>sample_euler_ancestral</c>.</summary>
internal sealed class EulerAncestralSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var n = sigmas.Length - 1;
        var eta = Eta(run);
        var den = run.Buffer(0);
        var noise = run.Buffer(1);
        for (var i = 0; i < n; i++)
        {
            await run.DenoiseAsync(run.X, sigmas[i], den, cancellationToken).ConfigureAwait(false);
            run.Report(i, n, sigmas[i], run.X.Span, den.Span);
            var (down, up) = SpanOps.AncestralStep(sigmas[i], sigmas[i + 1], eta);
            var ratio = down / sigmas[i];
            SpanOps.Lin(run.X.Span, ratio, den.Span, 1 - ratio, run.X.Span);
            if (sigmas[i + 1] > 0 && up > 0)
            {
                run.AncestralNoise.Sample(sigmas[i], sigmas[i + 1], noise.Span);
                SpanOps.AddScaled(run.X.Span, noise.Span, run.P.SNoise * up);
            }
        }
    }
}
