using System.Threading.Channels;

namespace WebDiffusion.Server.Jobs;

/// <summary>
/// The in-process queue of job ids, fed from the journal. Admission (quotas) is checked by <see cref="JobService"/>
/// against the journal's count of queued jobs (<see cref="JobStore.CountQueued"/>), not against this channel.
/// </summary>
public sealed class JobQueue
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    public void Enqueue(string jobId)
    {
        if (!_channel.Writer.TryWrite(jobId))
        {
            throw new InvalidOperationException("The job queue is closed.");
        }
    }

    /// <summary>The next job id; ids of jobs cancelled while queued still come out and are skipped by the worker.</summary>
    public ValueTask<string> DequeueAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAsync(cancellationToken);
}
