namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>k-diffusion <c>sample_dpmpp_2m_sde</c> (midpoint, or heun solver type) with Brownian-tree noise.</summary>
internal sealed class DpmPp2MSdeSampler(SamplerInfo info, bool heun) : KDiffusionSampler(info)
{
    protected override int BufferCount => 4;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var n = sigmas.Length - 1;
        var eta = Eta(run);
        var den = run.Buffer(0);
        var old = run.Buffer(1);
        var diff = run.Buffer(2);
        var noise = run.Buffer(3);
        var brownian = run.Brownian();
        double hLast = 0;
        var hasOld = false;
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
                var etaH = eta * h;
                var phi = -SpanOps.ExpM1(-h - etaH);
                SpanOps.Lin(run.X.Span, next / sigma * Math.Exp(-etaH), den.Span, phi, run.X.Span);
                if (hasOld)
                {
                    var r = hLast / h;
                    var coeff = heun ? ((phi / (-h - etaH)) + 1) / r : 0.5 * phi / r;
                    System.Numerics.Tensors.TensorPrimitives.Subtract(den.Span, old.Span, diff.Span);
                    SpanOps.AddScaled(run.X.Span, diff.Span, coeff);
                }

                if (eta > 0)
                {
                    brownian.Sample((float)sigma, (float)next, noise.Span);
                    SpanOps.AddScaled(run.X.Span, noise.Span, next * Math.Sqrt(-SpanOps.ExpM1(-2 * etaH)) * run.P.SNoise);
                }

                hLast = h;
            }

            den.Span.CopyTo(old.Span);
            hasOld = true;
        }
    }
}
