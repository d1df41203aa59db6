namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>k-diffusion <c>sample_euler</c> (Karras et al. Algorithm 2 with optional churn).</summary>
internal sealed class EulerSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var n = sigmas.Length - 1;
        var den = run.Buffer(0);
        var tmp = run.Buffer(1);
        for (var i = 0; i < n; i++)
        {
            var sigmaHat = Churn.Apply(run, i, tmp);
            await run.DenoiseAsync(run.X, sigmaHat, den, cancellationToken).ConfigureAwait(false);
            run.Report(i, n, sigmaHat, run.X.Span, den.Span);
            // x + (x − D)/σ̂ · (σ' − σ̂) = (σ'/σ̂)·x + (1 − σ'/σ̂)·D
            var ratio = sigmas[i + 1] / sigmaHat;
            SpanOps.Lin(run.X.Span, ratio, den.Span, 1 - ratio, run.X.Span);
        }
    }
}
