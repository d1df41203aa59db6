namespace WebDiffusion.Core.Sampling.Samplers.KDiffusion;

/// <summary>
/// k-diffusion <c>sample_dpm_fast</c> (DPM-Solver "fast": orders 3,3,…,(2,1) spending exactly <c>steps</c> model calls
/// on a uniform grid in t = −ln σ from σ_max to σ_min). Like A1111 it ends at the model's σ_min, not 0.
/// </summary>
internal sealed class DpmFastSampler(SamplerInfo info) : KDiffusionSampler(info)
{
    protected override int BufferCount => 6;

    protected override async ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken)
    {
        var sigmas = run.Sigmas;
        var (sigmaMin, sigmaMax) = Range(run);
        var nfe = run.Job.IsImg2Img ? sigmas.Length - 1 : run.Job.Steps;
        var eta = Eta(run);
        var tStart = -Math.Log(sigmaMax);
        var tEnd = -Math.Log(sigmaMin);
        var m = (nfe / 3) + 1;
        var count = m;
        var eps = run.Buffer(0);
        var den = run.Buffer(1);
        var result = run.Buffer(5);
        var solver = new DpmSolverSteps(run, eps, run.Buffer(2), run.Buffer(3), run.Buffer(4));
        for (var i = 0; i < count; i++)
        {
            var order = nfe % 3 == 0 ? (i < m - 2 ? 3 : i == m - 2 ? 2 : 1) : (i < m - 1 ? 3 : nfe % 3);
            var t = tStart + ((tEnd - tStart) * i / m);
            var tNext = tStart + ((tEnd - tStart) * (i + 1) / m);
            double tNextDown = tNext, su = 0;
            if (eta > 0)
            {
                var (sd, _) = SpanOps.AncestralStep(DpmSolverSteps.Sigma(t), DpmSolverSteps.Sigma(tNext), eta);
                tNextDown = Math.Min(tEnd, -Math.Log(sd));
                su = Math.Sqrt(Math.Max(0, Math.Pow(DpmSolverSteps.Sigma(tNext), 2) - Math.Pow(DpmSolverSteps.Sigma(tNextDown), 2)));
            }

            await solver.EpsAsync(run.X, t, eps, den, cancellationToken).ConfigureAwait(false);
            run.Report(i, count, DpmSolverSteps.Sigma(t), run.X.Span, den.Span);
            switch (order)
            {
                case 1:
                    solver.Step1(run.X.Span, t, tNextDown, result.Span);
                    break;
                case 2:
                    await solver.Step2Async(run.X, t, tNextDown, 0.5, result, cached: false, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await solver.Step3Async(run.X, t, tNextDown, result, r1Cached: false, cancellationToken).ConfigureAwait(false);
                    break;
            }

            result.Span.CopyTo(run.X.Span);
            if (su > 0)
            {
                run.AncestralNoise.Sample((float)DpmSolverSteps.Sigma(t), (float)DpmSolverSteps.Sigma(tNext), den.Span);
                SpanOps.AddScaled(run.X.Span, den.Span, su * run.P.SNoise);
            }
        }
    }

    /// <summary>A1111: the model's σ range for txt2img; σ_sched[−2] … σ_sched[0] of the cut schedule for img2img.</summary>
    internal static (double Min, double Max) Range(SamplerRun run)
    {
        var sigmas = run.Sigmas;
        return run.Job.IsImg2Img && sigmas.Length >= 2
            ? (sigmas[^2] > 0 ? sigmas[^2] : run.Job.Model.SigmaMin, sigmas[0])
            : (run.Job.Model.SigmaMin, run.Job.Model.SigmaMax);
    }
}
