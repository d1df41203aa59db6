namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>k-diffusion <c>sample_lms</c>: 4th-order linear multistep in σ with exactly integrated Lagrange weights.</summary>
internal sealed class LmsSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    private const int Order = 4;

    protected override int BufferCount => Order + 1;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var n = sigmas.Length - 1;
        var den = run.Buffer(Order);
        for (var i = 0; i < n; i++)
        {
            await run.DenoiseAsync(run.X, sigmas[i], den, cancellationToken).ConfigureAwait(false);
            run.Report(i, n, sigmas[i], run.X.Span, den.Span);
            // ds ring: the derivative of step k lives in buffer k % Order.
            SpanOps.ToD(run.X.Span, den.Span, sigmas[i], run.Buffer(i % Order).Span);
            var order = Math.Min(i + 1, Order);
            for (var j = 0; j < order; j++)
            {
                var coeff = Coefficient(sigmas, order, i, j);
                SpanOps.AddScaled(run.X.Span, run.Buffer((i - j) % Order).Span, coeff);
            }
        }
    }

    /// <summary>∫_{σ_i}^{σ_{i+1}} Π_{k≠j} (τ − σ_{i−k}) / (σ_{i−j} − σ_{i−k}) dτ, integrated exactly.</summary>
    internal static double Coefficient(float[] t, int order, int i, int j)
    {
        Span<double> poly = stackalloc double[Order + 1];
        poly.Clear();
        poly[0] = 1;
        var degree = 0;
        for (var k = 0; k < order; k++)
        {
            if (k == j)
            {
                continue;
            }

            double root = t[i - k];
            var scale = 1.0 / (t[i - j] - root);
            // poly *= (τ − root)·scale
            for (var p = degree + 1; p >= 0; p--)
            {
                var shifted = p > 0 ? poly[p - 1] : 0;
                poly[p] = (shifted - (root * poly[p])) * scale;
            }

            degree++;
        }

        double a = t[i], b = t[i + 1], result = 0;
        double pa = a, pb = b;
        for (var p = 0; p <= degree; p++)
        {
            result += poly[p] * (pb - pa) / (p + 1);
            pa *= a;
            pb *= b;
        }

        return result;
    }
}
