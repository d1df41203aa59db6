using WebDiffusion.Server.Jobs;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// A1111's <c>shared.state</c> counters for a running job, as <c>/sdapi/v1/progress</c> reports them: <c>job_count</c> is
/// n_iter (twice that with hires fix, each batch's hires pass being a job of its own), <c>job_no</c> the passes finished,
/// <c>sampling_step</c>/<c>sampling_steps</c> count within the current pass. <c>progress</c> follows A1111's formula
/// <c>0.01 + job_no / job_count + sampling_step / sampling_steps / job_count</c>, capped at 1.
/// </summary>
/// <param name="JobCount">Passes in the job (n_iter, or 2 × n_iter with hires fix).</param>
/// <param name="JobNo">Passes finished.</param>
/// <param name="SamplingStep">Steps done in the current pass.</param>
/// <param name="SamplingSteps">Steps of the current pass.</param>
public sealed record A1111ProgressState(int JobCount, int JobNo, int SamplingStep, int SamplingSteps)
{
    /// <summary>The idle state (A1111 answers progress 0 with job_count 0).</summary>
    public static A1111ProgressState Idle { get; } = new(0, 0, 0, 0);

    /// <summary>A1111's progress fraction.</summary>
    public double Progress
    {
        get
        {
            if (JobCount <= 0)
            {
                return 0;
            }

            var progress = 0.01 + ((double)JobNo / JobCount);
            if (SamplingSteps > 0)
            {
                progress += (double)SamplingStep / SamplingSteps / JobCount;
            }

            return Math.Min(progress, 1);
        }
    }

    /// <summary>The counters for <paramref name="snapshot"/> (its step counts over the whole job).</summary>
    public static A1111ProgressState From(LiveProgress.Snapshot? snapshot)
    {
        if (snapshot is null)
        {
            return Idle;
        }

        var batches = Math.Max(1, snapshot.BatchCount);
        if (snapshot.Passes is not { } plan || plan.PerBatch <= 0)
        {
            // No per-pass plan: the whole job's steps split evenly over its batches.
            var perBatch = Math.Max(1, snapshot.TotalSteps / batches);
            var batch = Math.Min(snapshot.Step / perBatch, batches - 1);
            return new A1111ProgressState(batches, batch, Math.Min(snapshot.Step - (batch * perBatch), perBatch), perBatch);
        }

        int[] passes = plan.HiresPass > 0 ? [plan.FirstPass, plan.HiresPass] : [plan.FirstPass];
        var count = batches * passes.Length;
        var left = Math.Max(0, snapshot.Step);
        for (var job = 0; job < count; job++)
        {
            var steps = passes[job % passes.Length];
            // A finished pass moves on to the next (A1111's nextjob() resets sampling_step); the last one stays at its end.
            if (left < steps || job == count - 1)
            {
                return new A1111ProgressState(count, job, Math.Min(left, steps), steps);
            }

            left -= steps;
        }

        return new A1111ProgressState(count, count - 1, 0, 0);
    }
}
