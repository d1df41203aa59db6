using Microsoft.Extensions.Options;
using WebDiffusion.Core.Generation;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.Jobs;

/// <summary>Submits, looks up and controls jobs: the one entry point the native API, /sdapi and the hub share.</summary>
public sealed class JobService(JobStore store, JobQueue queue, RunningJobs running, IJobEvents events, QueuePositions positions, JobCompletions completions, IOptions<JobQueueOptions> options, SecurityMode security, ILogger<JobService> logger) : IDisposable
{
    private readonly JobQueueOptions _options = options.Value;
    // Async admission: under many concurrent submissions waiting requests do not block thread-pool threads.
    private readonly SemaphoreSlim _admission = new(1, 1);

    /// <summary>
    /// Journals and queues a job; throws <see cref="QueueFullException"/> past a quota: the per-client one on an
    /// authenticated or public server (not for local use, where a script may queue as much as A1111 would take), the
    /// queue's total always.
    /// </summary>
    public async Task<(JobRecord Job, int Position)> SubmitAsync(string owner, GenerationMode generationMode, JobEnvelope envelope, string prompt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var mode = generationMode == GenerationMode.Img2Img ? "img2img" : "txt2img";
        JobRecord job;
        await _admission.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var retry = TimeSpan.FromSeconds(_options.RetryAfterSeconds);
            if (!security.IsLocalUse && store.CountActive(owner) >= _options.MaxActivePerClient)
            {
                throw new QueueFullException($"You already have {_options.MaxActivePerClient} jobs queued or running (the per-client limit); wait for some to finish.", retry);
            }

            if (store.CountQueued() >= _options.MaxQueued)
            {
                throw new QueueFullException($"The queue is full ({_options.MaxQueued} jobs); try again later.", retry);
            }

            job = store.Insert(owner, mode, envelope.ToJson(), prompt);
        }
        finally
        {
            _admission.Release();
        }

        // Announce before the worker can see the job, so "queued" always precedes "started". The journal already
        // holds it: a crash here leaves a queued job that the next start-up resumes.
        // Not cancellable from here on: the job is journalled and must reach the queue.
        var position = await positions.AnnounceNewAsync(job, CancellationToken.None).ConfigureAwait(false) ?? 0;
        logger.LogInformation("Job {JobId} ({Mode}) queued for {Owner} at position {Position}", job.Id, mode, owner, position);
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
    public async Task<bool> CancelAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (running.Get(job.Id) is { } control)
        {
            control.Cancel();
            return true;
        }

        // The jobs behind it move up; only a job still queued in the journal is cancelled here.
        if (await positions.LeaveQueueAsync(job.Sequence, () => store.CancelQueued(job.Id), cancellationToken).ConfigureAwait(false))
        {
            var ended = store.Get(job.Id)!;
            completions.Complete(ended);
            await events.FinishedAsync(ended).ConfigureAwait(false);
            return true;
        }

        // The worker registers a job's control before starting it: a job it started meanwhile is found now.
        if (running.Get(job.Id) is { } started)
        {
            started.Cancel();
            return true;
        }

        return false;
    }

    /// <summary>Stops the running job now, keeping finished images; a queued job is cancelled.</summary>
    public async Task<bool> InterruptAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (running.Get(job.Id) is { } control)
        {
            control.Interrupt();
            return true;
        }

        return await CancelAsync(job, cancellationToken).ConfigureAwait(false);
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
