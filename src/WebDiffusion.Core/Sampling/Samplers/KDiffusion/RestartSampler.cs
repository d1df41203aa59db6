using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>
/// A1111's <c>restart_sampler</c> (Xu et al. 2023): Heun steps on a Karras schedule shortened by the restart budget;
/// at σ ≈ 0.1 the latent is re-noised back to σ ≈ 2 and that segment is re-run (once for 20–35 steps with 9 restart
/// steps, twice with steps/4 restart steps from 36 steps; no restarts below 20 steps).
/// </summary>
internal sealed class RestartSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    protected override int BufferCount => 4;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var pairs = Plan(run.Sigmas);
        var total = pairs.Count;
        var den = run.Buffer(0);
        var d = run.Buffer(1);
        var x2 = run.Buffer(2);
        var noise = run.Buffer(3);
        double? last = null;
        for (var step = 0; step < total; step++)
        {
            var (oldSigma, newSigma) = pairs[step];
            if (last is { } l && l < oldSigma)
            {
                run.AncestralNoise.Sample((float)oldSigma, (float)newSigma, noise.Span);
                SpanOps.AddScaled(run.X.Span, noise.Span, run.P.SNoise * Math.Sqrt((oldSigma * oldSigma) - (l * l)));
            }

            await run.DenoiseAsync(run.X, oldSigma, den, cancellationToken).ConfigureAwait(false);
            SpanOps.ToD(run.X.Span, den.Span, oldSigma, d.Span);
            run.Report(step, total, oldSigma, run.X.Span, den.Span);
            var dt = newSigma - oldSigma;
            if (newSigma == 0)
            {
                SpanOps.AddScaled(run.X.Span, d.Span, dt);
            }
            else
            {
                SpanOps.Lin(run.X.Span, 1, d.Span, dt, x2.Span);
                await run.DenoiseAsync(x2, newSigma, den, cancellationToken).ConfigureAwait(false);
                SpanOps.ToD(x2.Span, den.Span, newSigma, x2.Span);
                SpanOps.AddScaled(run.X.Span, d.Span, dt / 2);
                SpanOps.AddScaled(run.X.Span, x2.Span, dt / 2);
            }

            last = newSigma;
        }
    }

    /// <summary>The (σ_old, σ_new) Heun steps including the restart segments.</summary>
    internal static List<(double Old, double New)> Plan(float[] sigmas)
    {
        var steps = sigmas.Length - 1;
        var restartSteps = 0;
        var restartTimes = 0;
        if (steps >= 20 && sigmas.Length >= 2)
        {
            restartSteps = 9;
            restartTimes = 1;
            if (steps >= 36)
            {
                restartSteps = steps / 4;
                restartTimes = 2;
            }

            sigmas = SigmaSchedules.Karras(steps - (restartSteps * restartTimes), sigmas[^2], sigmas[0]);
        }

        var pairs = new List<(double, double)>();
        var restartAt = restartTimes > 0 ? ArgMin(sigmas, 0.1) : -1;
        for (var i = 0; i < sigmas.Length - 1; i++)
        {
            pairs.Add((sigmas[i], sigmas[i + 1]));
            if (i + 1 != restartAt)
            {
                continue;
            }

            var minIdx = i + 1;
            var maxIdx = ArgMin(sigmas, 2.0);
            if (maxIdx >= minIdx)
            {
                continue;
            }

            var restart = SigmaSchedules.Karras(restartSteps + 1, sigmas[minIdx], sigmas[maxIdx]);
            for (var time = 0; time < restartTimes; time++)
            {
                // karras(...)[:-1] drops the trailing 0; consecutive pairs of what remains.
                for (var k = 0; k + 1 < restart.Length - 1; k++)
                {
                    pairs.Add((restart[k], restart[k + 1]));
                }
            }
        }

        return pairs;
    }

    private static int ArgMin(float[] sigmas, double value)
    {
        var best = 0;
        for (var i = 1; i < sigmas.Length; i++)
        {
            if (Math.Abs(sigmas[i] - value) < Math.Abs(sigmas[best] - value))
            {
                best = i;
            }
        }

        return best;
    }
}
