using WebDiffusion.Core.Generation;

namespace WebDiffusion.Server.Jobs;

/// <summary>The running job's latest progress, for polling clients (/api/jobs/{id}, /sdapi/v1/progress).</summary>
public sealed class LiveProgress
{
    private Snapshot? _current;

    public Snapshot? Current => Volatile.Read(ref _current);

    /// <summary>Starts tracking <paramref name="job"/> as <paramref name="plan"/> plans it (its total counts every step of the job).</summary>
    public void Start(JobRecord job, PlannedJob plan)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(plan);
        Volatile.Write(ref _current, new Snapshot(job.Id, job.Owner, 0, plan.TotalSteps, 0, plan.Images, DateTimeOffset.UtcNow, null)
        {
            Passes = plan.Passes,
            BatchCount = plan.Request.BatchCount,
        });
    }

    public void Update(StepProgress step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var current = Current;
        if (current is not null)
        {
            Volatile.Write(ref _current, current with
            {
                Step = Math.Max(step.Step, current.Step),
                TotalSteps = step.TotalSteps,
                ImageIndex = step.ImageIndex,
                PreviewPng = step.PreviewPng ?? current.PreviewPng,
            });
        }
    }

    public void Clear() => Volatile.Write(ref _current, null);

    /// <summary>One moment of a running job; <see cref="Step"/> of <see cref="TotalSteps"/> counts over the whole job.</summary>
    public sealed record Snapshot(string JobId, string Owner, int Step, int TotalSteps, int ImageIndex, int ImageCount, DateTimeOffset StartedAt, byte[]? PreviewPng)
    {
        /// <summary>Steps of each pass of one batch, or null when unknown.</summary>
        public StepPlan? Passes { get; init; }

        /// <summary>The request's n_iter (batches run one after the other).</summary>
        public int BatchCount { get; init; } = 1;

        /// <summary>Fraction of the job's steps done (every batch, hires passes included), 0..1.</summary>
        public double Fraction => TotalSteps <= 0 ? 0 : Math.Clamp((double)Step / TotalSteps, 0, 1);

        /// <summary>Estimated time left, from the pace so far.</summary>
        public TimeSpan? Eta
        {
            get
            {
                var f = Fraction;
                if (f <= 0)
                {
                    return null;
                }

                var elapsed = DateTimeOffset.UtcNow - StartedAt;
                return TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - f) / f);
            }
        }
    }
}
