namespace WebDiffusion.Server.Jobs;

/// <summary>
/// The controls of the running job: cancel (stop, job cancelled), interrupt (stop now, keep finished images) and
/// skip (abandon the current image, go on with the next). Each is a token the pipeline observes.
/// </summary>
public sealed class JobControl : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private CancellationTokenSource _skip = new();

    public JobControl(CancellationToken shutdown)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
    }

    /// <summary>Set when the whole job must stop (cancel, interrupt or shutdown).</summary>
    public CancellationToken StopToken => _stop.Token;

    /// <summary>Set when the current image must stop; renewed by <see cref="NextImage"/>.</summary>
    public CancellationToken SkipToken => Volatile.Read(ref _skip).Token;

    /// <summary>Whether the user asked to interrupt (as opposed to cancel).</summary>
    public bool Interrupted { get; private set; }

    /// <summary>Whether the user asked to cancel.</summary>
    public bool Cancelled { get; private set; }

    public void Cancel()
    {
        Cancelled = true;
        _stop.Cancel();
    }

    public void Interrupt()
    {
        Interrupted = true;
        _stop.Cancel();
    }

    public void Skip() => Volatile.Read(ref _skip).Cancel();

    /// <summary>Whether the image being generated was skipped (until <see cref="NextImage"/> starts the next one).</summary>
    public bool SkipRequested => Volatile.Read(ref _skip).IsCancellationRequested;

    /// <summary>Gives a fresh skip token for the next image.</summary>
    public void NextImage()
    {
        var old = Interlocked.Exchange(ref _skip, new CancellationTokenSource());
        old.Dispose();
    }

    public void Dispose()
    {
        _stop.Dispose();
        _skip.Dispose();
    }
}
