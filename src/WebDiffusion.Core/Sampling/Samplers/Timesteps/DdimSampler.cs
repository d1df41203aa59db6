using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Sampling.Samplers.Timesteps;

/// <summary>A1111's <c>sd_samplers_timesteps_impl.ddim</c> (eta from <c>eta_ddim</c>, default 0).</summary>
internal sealed class DdimSampler(SamplerInfo info) : TimestepSampler(info)
{
    protected override int BufferCount => 3;

    protected override async ValueTask RunAsync(SamplerRun run, int[] timesteps, CancellationToken cancellationToken)
    {
        var ac = run.Job.Model.AlphasCumprod.ToArray();
        var eta = run.P.Eta ?? 0.0;
        var eps = run.Buffer(0);
        var den = run.Buffer(1);
        var noise = run.Buffer(2);
        var n = timesteps.Length;
        for (var i = n - 1; i >= 0; i--)
        {
            double a = ac[timesteps[i]];
            double aPrev = i > 0 ? ac[timesteps[i - 1]] : ac[0];
            var sigmaT = eta * Math.Sqrt((1 - aPrev) / (1 - a) * (1 - (a / aPrev)));
            await EpsAsync(run, run.X, a, eps, den, cancellationToken).ConfigureAwait(false);
            // x = sqrt(ᾱ_prev)·x̂₀ + sqrt(1 − ᾱ_prev − σ_t²)·ε + σ_t·z   (x̂₀ = D)
            SpanOps.Lin(den.Span, Math.Sqrt(aPrev), eps.Span, Math.Sqrt(Math.Max(0, 1 - aPrev - (sigmaT * sigmaT))), run.X.Span);
            if (sigmaT > 0)
            {
                run.AncestralNoise.Sample(0, 0, noise.Span);
                SpanOps.AddScaled(run.X.Span, noise.Span, sigmaT);
            }

            run.Report(n - 1 - i, n, DiscreteSchedule.SigmaFromAlphaCumprod(aPrev), run.X.Span, den.Span);
        }
    }
}
