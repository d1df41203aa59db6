namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>k-diffusion <c>sample_dpmpp_3m_sde</c>: DPM-Solver++(3M) SDE with Brownian-tree noise.</summary>
internal sealed class DpmPp3MSdeSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    protected override int BufferCount => 6;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var n = sigmas.Length - 1;
        var eta = Eta(run);
        var den = run.Buffer(0);
        var den1 = run.Buffer(1);
        var den2 = run.Buffer(2);
        var d1 = run.Buffer(3);
        var d2 = run.Buffer(4);
        var noise = run.Buffer(5);
        var brownian = run.Brownian();
        double h1 = 0, h2 = 0;
        var history = 0;
        for (var i = 0; i < n; i++)
        {
            double sigma = sigmas[i], next = sigmas[i + 1];
            await run.DenoiseAsync(run.X, sigma, den, cancellationToken).ConfigureAwait(false);
            run.Report(i, n, sigma, run.X.Span, den.Span);
            var h = 0.0;
            if (next == 0)
            {
                den.Span.CopyTo(run.X.Span);
            }
            else
            {
                h = Math.Log(sigma) - Math.Log(next);
                var hEta = h * (eta + 1);
                SpanOps.Lin(run.X.Span, Math.Exp(-hEta), den.Span, -SpanOps.ExpM1(-hEta), run.X.Span);
                var phi2 = (SpanOps.ExpM1(-hEta) / hEta) + 1;
                if (history >= 2)
                {
                    var r0 = h1 / h;
                    var r1 = h2 / h;
                    var phi3 = (phi2 / hEta) - 0.5;
                    var x = d1.Span;
                    var y = d2.Span;
                    // d1_0 = (D − D1)/r0 → x; d1_1 = (D1 − D2)/r1 → y
                    System.Numerics.Tensors.TensorPrimitives.Subtract(den.Span, den1.Span, x);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(x, (float)(1 / r0), x);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(den1.Span, den2.Span, y);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(y, (float)(1 / r1), y);
                    // d2 = (d1_0 − d1_1)/(r0 + r1) → y; d1 = d1_0 + d2·r0 → x
                    SpanOps.Lin(x, 1 / (r0 + r1), y, -1 / (r0 + r1), y);
                    SpanOps.AddScaled(x, y, r0);
                    SpanOps.AddScaled(run.X.Span, x, phi2);
                    SpanOps.AddScaled(run.X.Span, y, -phi3);
                }
                else if (history == 1)
                {
                    var r = h1 / h;
                    System.Numerics.Tensors.TensorPrimitives.Subtract(den.Span, den1.Span, d1.Span);
                    SpanOps.AddScaled(run.X.Span, d1.Span, phi2 / r);
                }

                if (eta > 0)
                {
                    brownian.Sample((float)sigma, (float)next, noise.Span);
                    SpanOps.AddScaled(run.X.Span, noise.Span, next * Math.Sqrt(-SpanOps.ExpM1(-2 * h * eta)) * run.P.SNoise);
                }
            }

            // Shift history: D2 ← D1 ← D (swap buffers without copying).
            (den2, den1, den) = (den1, den, den2);
            h2 = h1;
            h1 = h;
            history++;
        }
    }
}
