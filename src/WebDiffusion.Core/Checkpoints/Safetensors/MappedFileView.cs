using System.IO.MemoryMappedFiles;

namespace WebDiffusion.Core.Checkpoints.Safetensors;

/// <summary>
/// A read-only memory map of a whole file with its base pointer acquired once from the view's
/// <c>SafeMemoryMappedViewHandle</c> and released, with the map, on <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe class MappedFileView : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private int _disposed;

    public MappedFileView(FileStream stream)
    {
        Length = stream.Length;
        _file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        try
        {
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    /// <summary>Bytes mapped (the file's length when mapped).</summary>
    public long Length { get; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The address of byte <paramref name="offset"/>; the caller has bounds-checked it.</summary>
    public byte* At(long offset)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return _base + offset;
    }

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
}
