using System.Threading.Channels;

namespace WebDiffusion.Server.Jobs;

/// <summary>The in-process queue of job ids, fed from the journal. Admission (quotas) is checked by <see cref="JobService"/>.</summary>
public sealed class JobQueue
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private int _pending;

    /// <summary>Jobs waiting in the channel.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public void Enqueue(string jobId)
    {
        Interlocked.Increment(ref _pending);
        if (!_channel.Writer.TryWrite(jobId))
        {
            Interlocked.Decrement(ref _pending);
            throw new InvalidOperationException("The job queue is closed.");
        }
    }

    public async ValueTask<string> DequeueAsync(CancellationToken cancellationToken)
    {
        var id = await _channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Decrement(ref _pending);
        return id;
    }
}
