using System.Buffers;

namespace WebDiffusion.Onnx;

/// <summary>
/// A model weight supplied from memory the caller owns (a memory-mapped file region, a pinned buffer) for
/// <see cref="OrtRuntime.CreateSession(byte[], OrtSessionOptions?, IReadOnlyList{OrtInitializer}, string?)"/>: ORT reads it in place.
/// The session that receives it disposes <see cref="Owner"/> once the native session is released (or when creation fails).
/// </summary>
public sealed class OrtInitializer
{
    private OrtInitializer(string name, TensorElementType elementType, long[] shape, nint data, long byteCount, IDisposable? owner)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        Data = data;
        ByteCount = byteCount;
        Owner = owner;
    }

    /// <summary>The initializer's name in the graph.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Address of the first element.</summary>
    public nint Data { get; }

    /// <summary>Size of the data in bytes (element count × element size).</summary>
    public long ByteCount { get; }

    /// <summary>What keeps <see cref="Data"/> valid (a pin, a mapping lease); disposed by the session after it is released. May be null when the caller keeps the memory alive itself.</summary>
    public IDisposable? Owner { get; }

    /// <summary>An initializer over native memory at <paramref name="data"/>; <paramref name="owner"/> (optional) is disposed when the session is done with it.</summary>
    /// <exception cref="ArgumentException">An empty name, a null pointer, or a byte count that does not match shape and type.</exception>
    public static OrtInitializer FromPointer(string name, TensorElementType elementType, ReadOnlySpan<long> shape, nint data, long byteCount, IDisposable? owner = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (data == 0)
        {
            throw new ArgumentException($"Initializer '{name}': the data pointer is null.", nameof(data));
        }

        var dims = shape.ToArray();
        var expected = TensorElementTypes.ElementCount(shape) * TensorElementTypes.SizeOf(elementType);
        if (expected != byteCount)
        {
            throw new ArgumentException(
                $"Initializer '{name}': {OrtNodeInfo.Describe(elementType, dims)} needs {expected} bytes; the memory has {byteCount}.", nameof(byteCount));
        }

        return new OrtInitializer(name, elementType, dims, data, byteCount, owner);
    }

    /// <summary>An initializer over managed memory, pinned until the session is released.</summary>
    public static unsafe OrtInitializer FromMemory<T>(string name, Memory<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var type = TensorElementTypes.Of<T>();
        var pin = new PinOwner(data.Pin());
        try
        {
            return FromPointer(name, type, shape, (nint)pin.Pointer, (long)data.Length * sizeof(T), pin);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {OrtNodeInfo.Describe(ElementType, Shape)}";

    private sealed unsafe class PinOwner(MemoryHandle handle) : IDisposable
    {
        private MemoryHandle _handle = handle;

        public void* Pointer => _handle.Pointer;

        public void Dispose() => _handle.Dispose();
    }
}
