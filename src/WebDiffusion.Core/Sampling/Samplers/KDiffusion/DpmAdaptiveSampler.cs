using System.Globalization;

namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>
/// k-diffusion <c>sample_dpm_adaptive</c>: embedded DPM-Solver-2/3 pair with a PID step-size controller
/// (rtol 0.05, atol 0.0078, h_init 0.05, accept safety 0.81), from σ_max to σ_min. The step count is not known in
/// advance (progress reports Total = 0); a run that needs more than <see cref="SamplerParameters.AdaptiveMaxAttempts"/>
/// attempts fails with <see cref="SamplerFailedException"/> instead of hanging.
/// </summary>
internal sealed class DpmAdaptiveSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    protected override int BufferCount => 8;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var p = run.P;
        var eta = Eta(run);
        var (sigmaMin, sigmaMax) = DpmFastSampler.Range(run);
        var tStart = -Math.Log(sigmaMax);
        var tEnd = -Math.Log(sigmaMin);
        var eps = run.Buffer(0);
        var den = run.Buffer(1);
        var xLow = run.Buffer(5);
        var xHigh = run.Buffer(6);
        var xPrev = run.Buffer(7);
        var solver = new DpmSolverSteps(run, eps, run.Buffer(2), run.Buffer(3), run.Buffer(4));
        var pid = new PidStepSizeController(0.05, 0, 1, 0, eta > 0 ? 1.5 : 3, 0.81);
        run.X.Span.CopyTo(xPrev.Span);
        var s = tStart;
        var accepted = 0;
        for (var attempt = 0; s < tEnd - 1e-5; attempt++)
        {
            if (attempt >= p.AdaptiveMaxAttempts)
            {
                throw new SamplerFailedException(string.Create(CultureInfo.InvariantCulture, $"DPM adaptive did not reach sigma_min after {attempt} step attempts; use another sampler or larger tolerances."));
            }

            var t = Math.Min(tEnd, s + pid.H);
            double tDown = t, su = 0;
            if (eta > 0)
            {
                var (sd, _) = SpanOps.AncestralStep(DpmSolverSteps.Sigma(s), DpmSolverSteps.Sigma(t), eta);
                tDown = Math.Min(tEnd, -Math.Log(sd));
                su = Math.Sqrt(Math.Max(0, Math.Pow(DpmSolverSteps.Sigma(t), 2) - Math.Pow(DpmSolverSteps.Sigma(tDown), 2)));
            }

            await solver.EpsAsync(run.X, s, eps, den, cancellationToken).ConfigureAwait(false);
            await solver.Step2Async(run.X, s, tDown, 1.0 / 3.0, xLow, cached: false, cancellationToken).ConfigureAwait(false);
            await solver.Step3Async(run.X, s, tDown, xHigh, r1Cached: true, cancellationToken).ConfigureAwait(false);
            var error = ErrorNorm(xLow.Span, xHigh.Span, xPrev.Span, p.AdaptiveAtol, p.AdaptiveRtol);
            if (double.IsNaN(error))
            {
                throw new SamplerFailedException("DPM adaptive: the model returned NaN or infinite values.");
            }

            if (pid.ProposeStep(error))
            {
                xLow.Span.CopyTo(xPrev.Span);
                xHigh.Span.CopyTo(run.X.Span);
                if (su > 0)
                {
                    run.AncestralNoise.Sample((float)DpmSolverSteps.Sigma(s), (float)DpmSolverSteps.Sigma(t), xLow.Span);
                    SpanOps.AddScaled(run.X.Span, xLow.Span, su * p.SNoise);
                }

                run.Report(accepted++, 0, DpmSolverSteps.Sigma(s), run.X.Span, den.Span);
                s = t;
            }
        }
    }

    /// <summary>‖(x_low − x_high)/δ‖₂/√n with δ = max(atol, rtol·max(|x_low|, |x_prev|)).</summary>
    private static double ErrorNorm(ReadOnlySpan<float> low, ReadOnlySpan<float> high, ReadOnlySpan<float> prev, double atol, double rtol)
    {
        double sum = 0;
        for (var i = 0; i < low.Length; i++)
        {
            var delta = Math.Max(atol, rtol * Math.Max(Math.Abs(low[i]), Math.Abs(prev[i])));
            var e = (low[i] - high[i]) / delta;
            sum += e * e;
        }

        return Math.Sqrt(sum) / Math.Sqrt(low.Length);
    }

    /// <summary>k-diffusion's <c>PIDStepSizeController</c>.</summary>
    private sealed class PidStepSizeController(double h, double pcoeff, double icoeff, double dcoeff, double order, double acceptSafety)
    {
        private const double Eps = 1e-8;
        private readonly double _b1 = (pcoeff + icoeff + dcoeff) / order;
        private readonly double _b2 = -(pcoeff + (2 * dcoeff)) / order;
        private readonly double _b3 = dcoeff / order;
        private double _e0;
        private double _e1;
        private double _e2;
        private bool _started;

        public double H { get; private set; } = h;

        public bool ProposeStep(double error)
        {
            var inv = 1 / (error + Eps);
            if (!_started)
            {
                _e1 = _e2 = inv;
                _started = true;
            }

            _e0 = inv;
            var factor = Math.Pow(_e0, _b1) * Math.Pow(_e1, _b2) * Math.Pow(_e2, _b3);
            factor = 1 + Math.Atan(factor - 1);
            var accept = factor >= acceptSafety;
            if (accept)
            {
                _e2 = _e1;
                _e1 = _e0;
            }

            H *= factor;
            return accept;
        }
    }
}
