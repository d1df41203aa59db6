using System.Collections.Concurrent;

namespace WebDiffusion.Server.Jobs;

/// <summary>Lets a request wait for a job to end (the synchronous /sdapi/v1/txt2img style of call).</summary>
public sealed class JobCompletions(JobStore store)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JobRecord>> _waiters = new(StringComparer.Ordinal);

    /// <summary>Waits until the job is no longer queued or running; returns its final record.</summary>
    public async Task<JobRecord> WaitAsync(string jobId, CancellationToken cancellationToken)
    {
        var tcs = _waiters.GetOrAdd(jobId, _ => new TaskCompletionSource<JobRecord>(TaskCreationOptions.RunContinuationsAsynchronously));
        // The job may have ended before we registered.
        if (store.Get(jobId) is { IsActive: false } ended)
        {
            _waiters.TryRemove(jobId, out _);
            return ended;
        }

        return await tcs.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Called by the worker (and cancellation of queued jobs) when a job ends.</summary>
    public void Complete(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_waiters.TryRemove(job.Id, out var tcs))
        {
            tcs.TrySetResult(job);
        }
    }
}
