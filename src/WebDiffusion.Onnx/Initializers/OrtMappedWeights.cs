using System.IO.MemoryMappedFiles;

namespace WebDiffusion.Onnx;

/// <summary>
/// A weights file mapped into memory (copy-on-write: the file is never written) from which
/// <see cref="OrtInitializer"/>s are cut without copying. Each initializer holds a lease on the mapping, so the
/// mapping lives until this object and every session using its initializers are disposed; several sessions may share
/// one file (e.g. the components of one checkpoint).
/// </summary>
public sealed unsafe class OrtMappedWeights : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private int _disposed;

    private OrtMappedWeights(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        Path = path;
        _file = file;
        _view = view;
        Length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + view.PointerOffset;
    }

    /// <summary>The mapped file.</summary>
    public string Path { get; }

    /// <summary>The file's length in bytes.</summary>
    public long Length { get; }

    /// <summary>Maps <paramref name="path"/> (read-only on disk).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ArgumentException">The file is empty.</exception>
    public static OrtMappedWeights Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Weights file not found: '{full}'.", full);
        }

        var length = new FileInfo(full).Length;
        if (length == 0)
        {
            throw new ArgumentException($"Weights file '{full}' is empty.", nameof(path));
        }

        var file = MemoryMappedFile.CreateFromFile(full, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.CopyOnWrite);
            return new OrtMappedWeights(full, file, view, length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The initializer <paramref name="name"/> whose data starts <paramref name="offset"/> bytes into the file (its
    /// length follows from shape and type). Little-endian, densely packed, as safetensors and ONNX raw data store it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The region does not lie inside the file.</exception>
    public OrtInitializer Initializer(string name, TensorElementType elementType, ReadOnlySpan<long> shape, long offset)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var bytes = TensorElementTypes.ElementCount(shape) * TensorElementTypes.SizeOf(elementType);
        if (offset < 0 || bytes > Length - offset)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offset), $"Initializer '{name}' needs bytes {offset}..{offset + bytes} of '{Path}', which has {Length}.");
        }

        var lease = new Lease(_view.SafeMemoryMappedViewHandle);
        try
        {
            return OrtInitializer.FromPointer(name, elementType, shape, (nint)(_base + offset), bytes, lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Gives up this object's hold on the mapping; it is unmapped once the last session using it is released. Safe to call twice.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    /// <summary>A reference on the view handle: the view stays mapped while any lease is alive.</summary>
    private sealed class Lease : IDisposable
    {
        private readonly System.Runtime.InteropServices.SafeHandle _handle;
        private int _released;

        public Lease(System.Runtime.InteropServices.SafeHandle handle)
        {
            var added = false;
            handle.DangerousAddRef(ref added);
            _handle = handle;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _handle.DangerousRelease();
            }
        }
    }
}
