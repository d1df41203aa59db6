namespace WebDiffusion.Server.Jobs;

/// <summary>
/// Keeps every queued job's announced position current. A job leaves the queue (the worker starts it, or it is
/// cancelled while queued) only through <see cref="LeaveQueueAsync"/>, which changes the journal and then announces
/// the new positions of the jobs behind it, all under one gate. The gate also covers a new job's first announcement
/// (<see cref="AnnounceNewAsync"/>), so per job the <c>queued</c> events are in order, and because positions are read
/// from the journal under the gate, no <c>queued</c> is ever sent for a job that has already started or ended: the
/// worker announces <c>started</c> only after its transition has left the gate.
/// </summary>
public sealed class QueuePositions(JobStore store, IJobEvents events, ILogger<QueuePositions> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Announces a just-journalled job's position; returns it (0: next to run), or null when it is no longer queued.</summary>
    public async Task<int?> AnnounceNewAsync(JobRecord job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var position = store.QueuePositionOf(job.Id);
            if (position is { } p)
            {
                await events.QueuedAsync(new QueuedJob(job.Id, job.Owner, job.Sequence), p).ConfigureAwait(false);
            }

            return position;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="transition"/> (a journal change that takes the job with sequence <paramref name="sequence"/>
    /// out of the queued state); when it succeeds, sends <c>queued</c> with its new position to every job still queued
    /// behind it. Returns whether the transition succeeded.
    /// </summary>
    public async Task<bool> LeaveQueueAsync(long sequence, Func<bool> transition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transition);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!transition())
            {
                return false;
            }

            var queued = store.QueuedJobs();
            for (var position = 0; position < queued.Count; position++)
            {
                if (queued[position].Sequence > sequence)
                {
                    await events.QueuedAsync(queued[position], position).ConfigureAwait(false);
                }
            }

            logger.LogDebug("Job #{Sequence} left the queue; {Count} queued job(s) remain", sequence, queued.Count);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
