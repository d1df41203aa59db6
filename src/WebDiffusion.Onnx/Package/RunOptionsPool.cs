using Microsoft.ML.OnnxRuntime;

namespace WebDiffusion.Onnx.Package;

/// <summary>
/// Run options reused across runs of one session (one per concurrent run), so a Run on the reuse path allocates no
/// native object. A returned instance never carries a terminate flag.
/// </summary>
internal sealed class RunOptionsPool : IDisposable
{
    private const int MaxPooled = 16;
    private readonly Stack<RunOptions> _free = new();
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>A pooled or new run options instance.</summary>
    public RunOptions Rent()
    {
        lock (_lock)
        {
            if (_free.TryPop(out var options))
            {
                return options;
            }
        }

        var created = new RunOptions();
        OrtLiveObjects.Created();
        return created;
    }

    /// <summary>Gives an instance back (its terminate flag already reset).</summary>
    public void Return(RunOptions options)
    {
        lock (_lock)
        {
            if (!_disposed && _free.Count < MaxPooled)
            {
                _free.Push(options);
                return;
            }
        }

        Release(options);
    }

    /// <summary>Disposes an instance that will not come back.</summary>
    public static void Release(RunOptions options)
    {
        options.Dispose();
        OrtLiveObjects.Released();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            while (_free.TryPop(out var options))
            {
                Release(options);
            }
        }
    }
}
