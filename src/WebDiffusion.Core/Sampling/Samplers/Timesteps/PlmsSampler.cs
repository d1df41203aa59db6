using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Sampling.Samplers.Timesteps;

/// <summary>A1111's <c>sd_samplers_timesteps_impl.plms</c>: pseudo linear multistep on ε (Liu et al. 2022).</summary>
internal sealed class PlmsSampler(SamplerInfo info) : TimestepSampler(info)
{
    protected override int BufferCount => 8;

    protected override async ValueTask RunAsync(SamplerRun run, int[] timesteps, CancellationToken cancellationToken)
    {
        var ac = run.Job.Model.AlphasCumprod.ToArray();
        var eps = run.Buffer(0);
        var den = run.Buffer(1);
        var prime = run.Buffer(2);
        var xPrev = run.Buffer(3);
        // old ε ring (up to 3) and the next-ε scratch.
        Memory<float>[] old = [run.Buffer(4), run.Buffer(5), run.Buffer(6)];
        var epsNext = run.Buffer(7);
        var count = 0;
        var n = timesteps.Length;
        for (var i = n - 1; i >= 0; i--)
        {
            double a = ac[timesteps[i]];
            double aPrev = i > 0 ? ac[timesteps[i - 1]] : ac[0];
            double aNext = ac[timesteps[Math.Max(i - 1, 0)]];
            await EpsAsync(run, run.X, a, eps, den, cancellationToken).ConfigureAwait(false);
            switch (count)
            {
                case 0:
                    Update(run.X.Span, eps.Span, a, aPrev, xPrev.Span);
                    await EpsAsync(run, xPrev, aNext, epsNext, prime, cancellationToken).ConfigureAwait(false);
                    SpanOps.Lin(eps.Span, 0.5, epsNext.Span, 0.5, prime.Span);
                    break;
                case 1:
                    SpanOps.Lin(eps.Span, 1.5, Old(old, count, 1), -0.5, prime.Span);
                    break;
                case 2:
                    SpanOps.Lin(eps.Span, 23.0 / 12, Old(old, count, 1), -16.0 / 12, prime.Span);
                    SpanOps.AddScaled(prime.Span, Old(old, count, 2), 5.0 / 12);
                    break;
                default:
                    SpanOps.Lin(eps.Span, 55.0 / 24, Old(old, count, 1), -59.0 / 24, prime.Span);
                    SpanOps.AddScaled(prime.Span, Old(old, count, 2), 37.0 / 24);
                    SpanOps.AddScaled(prime.Span, Old(old, count, 3), -9.0 / 24);
                    break;
            }

            // pred_x0 from ε' (for the preview), then x_prev.
            Update(run.X.Span, prime.Span, a, aPrev, xPrev.Span);
            SpanOps.Lin(run.X.Span, 1 / Math.Sqrt(a), prime.Span, -Math.Sqrt(1 - a) / Math.Sqrt(a), den.Span);
            eps.Span.CopyTo(old[count % 3].Span);
            count++;
            xPrev.Span.CopyTo(run.X.Span);
            run.Report(n - 1 - i, n, DiscreteSchedule.SigmaFromAlphaCumprod(aPrev), run.X.Span, den.Span);
        }
    }

    /// <summary>The ε stored <paramref name="back"/> steps ago.</summary>
    private static ReadOnlySpan<float> Old(Memory<float>[] ring, int count, int back) => ring[(count - back) % 3].Span;

    /// <summary>x_prev = sqrt(ᾱ_prev)·(x − sqrt(1 − ᾱ)·ε)/sqrt(ᾱ) + sqrt(1 − ᾱ_prev)·ε.</summary>
    private static void Update(ReadOnlySpan<float> x, ReadOnlySpan<float> e, double a, double aPrev, Span<float> result)
    {
        var cx = Math.Sqrt(aPrev) / Math.Sqrt(a);
        var ce = Math.Sqrt(1 - aPrev) - (Math.Sqrt(aPrev) * Math.Sqrt(1 - a) / Math.Sqrt(a));
        SpanOps.Lin(x, cx, e, ce, result);
    }
}
