namespace WebDiffusion.Onnx;

/// <summary>
/// Keeps ORT-allocated tensors for reuse across steps and jobs: <see cref="Rent"/> hands back a free tensor of the
/// same element type and shape when there is one (no allocation), else allocates. Contents of a rented tensor are
/// whatever the last user left. Thread-safe; disposing the pool disposes the tensors it holds, not rented ones.
/// </summary>
public sealed class OrtTensorPool : IDisposable
{
    private readonly List<OrtTensor> _free = [];
    private readonly Lock _lock = new();
    private readonly int _maxFree;
    private bool _disposed;

    /// <summary>A pool keeping at most <paramref name="maxFree"/> idle tensors.</summary>
    public OrtTensorPool(int maxFree = 32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFree);
        _maxFree = maxFree;
    }

    /// <summary>Number of idle tensors held.</summary>
    public int FreeCount
    {
        get
        {
            lock (_lock)
            {
                return _free.Count;
            }
        }
    }

    /// <summary>A tensor of <paramref name="elementType"/> and <paramref name="shape"/>, reused when one is free.</summary>
    public OrtTensor Rent(TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (var i = _free.Count - 1; i >= 0; i--)
            {
                var candidate = _free[i];
                if (candidate.ElementType == elementType && candidate.HasShape(shape))
                {
                    _free.RemoveAt(i);
                    return candidate;
                }
            }
        }

        return OrtTensor.Allocate(elementType, shape);
    }

    /// <summary>Gives a tensor back for reuse (disposed instead when the pool is full or disposed).</summary>
    public void Return(OrtTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.IsDisposed)
        {
            return;
        }

        lock (_lock)
        {
            if (_free.Contains(tensor))
            {
                return;
            }

            if (!_disposed && _free.Count < _maxFree)
            {
                _free.Add(tensor);
                return;
            }
        }

        tensor.Dispose();
    }

    /// <summary>Disposes the idle tensors. Safe to call more than once.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var tensor in _free)
            {
                tensor.Dispose();
            }

            _free.Clear();
        }
    }
}
