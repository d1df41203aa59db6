using Microsoft.Extensions.Options;

namespace WebDiffusion.Server.Jobs;

/// <summary>Submits, looks up and controls jobs: the one entry point the native API, /sdapi and the hub share.</summary>
public sealed class JobService(JobStore store, JobQueue queue, RunningJobs running, IJobEvents events, JobCompletions completions, IOptions<JobQueueOptions> options, ILogger<JobService> logger) : IDisposable
{
    private readonly JobQueueOptions _options = options.Value;
    // Async admission: under many concurrent submissions waiting requests do not block thread-pool threads.
    private readonly SemaphoreSlim _admission = new(1, 1);

    /// <summary>Journals and queues a job; throws <see cref="QueueFullException"/> past a quota.</summary>
    public async Task<(JobRecord Job, int Position)> SubmitAsync(string owner, string mode, string requestJson)
    {
        JobRecord job;
        await _admission.WaitAsync().ConfigureAwait(false);
        try
        {
            var retry = TimeSpan.FromSeconds(_options.RetryAfterSeconds);
            if (store.CountActive(owner) >= _options.MaxActivePerClient)
            {
                throw new QueueFullException($"You already have {_options.MaxActivePerClient} jobs queued or running (the per-client limit); wait for some to finish.", retry);
            }

            if (store.CountQueued() >= _options.MaxQueued)
            {
                throw new QueueFullException($"The queue is full ({_options.MaxQueued} jobs); try again later.", retry);
            }

            job = store.Insert(owner, mode, requestJson);
        }
        finally
        {
            _admission.Release();
        }

        // Announce before the worker can see the job, so "queued" always precedes "started". The journal already
        // holds it: a crash here leaves a queued job that the next start-up resumes.
        var position = store.QueuePosition(job.Sequence);
        logger.LogInformation("Job {JobId} ({Mode}) queued for {Owner} at position {Position}", job.Id, mode, owner, position);
        await events.QueuedAsync(job, position).ConfigureAwait(false);
        queue.Enqueue(job.Id);
        return (job, position);
    }

    /// <summary>The job if it exists and belongs to <paramref name="owner"/>.</summary>
    public JobRecord? Find(string id, string owner)
    {
        if (!IsWellFormedId(id))
        {
            return null;
        }

        var job = store.Get(id);
        return job is not null && job.Owner == owner ? job : null;
    }

    /// <summary>Cancels a queued or running job; false when it was not active.</summary>
    public async Task<bool> CancelAsync(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (running.Get(job.Id) is { } control)
        {
            control.Cancel();
            return true;
        }

        if (store.Finish(job.Id, JobState.Cancelled, null))
        {
            var ended = store.Get(job.Id)!;
            completions.Complete(ended);
            await events.FinishedAsync(ended).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    /// <summary>Stops the running job now, keeping finished images; a queued job is cancelled.</summary>
    public async Task<bool> InterruptAsync(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (running.Get(job.Id) is { } control)
        {
            control.Interrupt();
            return true;
        }

        return await CancelAsync(job).ConfigureAwait(false);
    }

    /// <summary>Skips the image being generated; false when the job is not running.</summary>
    public bool Skip(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (running.Get(job.Id) is { } control)
        {
            control.Skip();
            return true;
        }

        return false;
    }

    /// <summary>Job ids are 32 lowercase hex characters; anything else is refused before touching storage.</summary>
    public static bool IsWellFormedId(string? id) =>
        id is { Length: 32 } && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public void Dispose() => _admission.Dispose();
}
