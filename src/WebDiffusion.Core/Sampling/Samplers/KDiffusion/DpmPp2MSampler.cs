namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>k-diffusion <c>sample_dpmpp_2m</c>: DPM-Solver++(2M), deterministic multistep.</summary>
internal sealed class DpmPp2MSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    protected override int BufferCount => 3;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var n = sigmas.Length - 1;
        var den = run.Buffer(0);
        var old = run.Buffer(1);
        var mixed = run.Buffer(2);
        for (var i = 0; i < n; i++)
        {
            double sigma = sigmas[i], next = sigmas[i + 1];
            await run.DenoiseAsync(run.X, sigma, den, cancellationToken).ConfigureAwait(false);
            run.Report(i, n, sigma, run.X.Span, den.Span);
            if (next == 0)
            {
                den.Span.CopyTo(run.X.Span);
            }
            else
            {
                var h = Math.Log(sigma) - Math.Log(next);
                var target = den;
                if (i > 0)
                {
                    var hLast = Math.Log(sigmas[i - 1]) - Math.Log(sigma);
                    var r = hLast / h;
                    SpanOps.Lin(den.Span, 1 + (1 / (2 * r)), old.Span, -1 / (2 * r), mixed.Span);
                    target = mixed;
                }

                SpanOps.Lin(run.X.Span, next / sigma, target.Span, -SpanOps.ExpM1(-h), run.X.Span);
            }

            den.Span.CopyTo(old.Span);
        }
    }
}
