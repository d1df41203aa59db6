namespace WebDiffusion.Onnx.Native;

/// <summary>
/// Run options reused across runs of one session (one per concurrent run), so a Run on the reuse path
/// allocates nothing. A returned instance never carries a terminate flag.
/// </summary>
internal sealed class OrtRunOptionsPool : IDisposable
{
    private const int MaxPooled = 16;
    private readonly Stack<OrtRunOptionsHandle> _free = new();
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>A pooled or new run options instance.</summary>
    public OrtRunOptionsHandle Rent()
    {
        lock (_lock)
        {
            if (_free.TryPop(out var options))
            {
                return options;
            }
        }

        return OrtRunOptionsHandle.Create();
    }

    /// <summary>Gives an instance back (its terminate flag already reset).</summary>
    public void Return(OrtRunOptionsHandle options)
    {
        lock (_lock)
        {
            if (!_disposed && _free.Count < MaxPooled)
            {
                _free.Push(options);
                return;
            }
        }

        options.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            while (_free.TryPop(out var options))
            {
                options.Dispose();
            }
        }
    }
}
