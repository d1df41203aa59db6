using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using WebDiffusion.Onnx.Package;

namespace WebDiffusion.Onnx;

/// <summary>
/// A dense CPU tensor owning an <see cref="OrtValue"/>: over pinned caller memory (<see cref="Create{T}(Memory{T}, ReadOnlySpan{long})"/>,
/// pinned until <see cref="Dispose"/>, so the caller can rewrite it between runs), over native memory the caller keeps
/// alive (<see cref="CreateOver"/>), or allocated by ORT (<see cref="Allocate"/> and the outputs ORT allocates).
/// Dispose only after every Run using it has returned.
/// </summary>
public sealed unsafe class OrtTensor : IDisposable
{
    private readonly OrtValue _value;
    private readonly long[] _shape;
    private readonly void* _data;
    private MemoryHandle _pin;
    private int _disposed;

    private OrtTensor(OrtValue value, TensorElementType elementType, long[] shape, void* data, MemoryHandle pin)
    {
        _value = value;
        _shape = shape;
        _data = data;
        _pin = pin;
        ElementType = elementType;
        ElementCount = TensorElementTypes.ElementCount(shape);
        OrtLiveObjects.Created();
    }

    /// <summary>The element type.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The dimensions.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements.</summary>
    public long ElementCount { get; }

    /// <summary>Size of the data in bytes.</summary>
    public long ByteCount => ElementCount * TensorElementTypes.SizeOf(ElementType);

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The package's value (for code that talks to the package directly).</summary>
    internal OrtValue Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _value;
        }
    }

    /// <summary>
    /// A tensor over <paramref name="data"/> (pinned, not copied) with <paramref name="shape"/>; the element count must match.
    /// Supported element types: float, Half, int, long, byte, sbyte, bool, double, short, ushort, uint, ulong.
    /// </summary>
    public static OrtTensor Create<T>(Memory<T> data, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var type = TensorElementTypes.Of<T>();
        var count = TensorElementTypes.ElementCount(shape);
        if (count != data.Length)
        {
            throw new ArgumentException(
                $"Shape {OrtNodeInfo.Describe(type, shape.ToArray())} needs {count} elements; the buffer has {data.Length}.", nameof(data));
        }

        var pin = data.Pin();
        try
        {
            var dims = shape.ToArray();
            var value = CreateValue(type, dims, (nint)pin.Pointer, count * sizeof(T));
            return new OrtTensor(value, type, dims, pin.Pointer, pin);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>A tensor over the array <paramref name="data"/> (pinned, not copied).</summary>
    public static OrtTensor Create<T>(T[] data, ReadOnlySpan<long> shape)
        where T : unmanaged => Create(new Memory<T>(data), shape);

    /// <summary>
    /// A tensor over native memory at <paramref name="data"/> (<paramref name="byteCount"/> bytes, e.g. a memory-mapped
    /// region): nothing is copied or pinned, the caller keeps the memory valid until the tensor is disposed.
    /// </summary>
    /// <exception cref="ArgumentException">The byte count does not match the shape and element type, or the pointer is null.</exception>
    public static OrtTensor CreateOver(nint data, long byteCount, TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        if (data == 0)
        {
            throw new ArgumentException("The data pointer is null.", nameof(data));
        }

        var dims = shape.ToArray();
        var expected = TensorElementTypes.ElementCount(shape) * TensorElementTypes.SizeOf(elementType);
        if (expected != byteCount)
        {
            throw new ArgumentException(
                $"Shape {OrtNodeInfo.Describe(elementType, dims)} needs {expected} bytes; the memory has {byteCount}.", nameof(byteCount));
        }

        var value = CreateValue(elementType, dims, data, byteCount);
        return new OrtTensor(value, elementType, dims, (void*)data, default);
    }

    /// <summary>A tensor whose memory ORT allocates (uninitialized) with its default CPU allocator.</summary>
    public static OrtTensor Allocate(TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        TensorElementTypes.ElementCount(shape);
        TensorElementTypes.SizeOf(elementType);
        OrtValue value;
        try
        {
            value = OrtValue.CreateAllocatedTensorValue(
                OrtAllocator.DefaultInstance, (Microsoft.ML.OnnxRuntime.Tensors.TensorElementType)(int)elementType, shape.ToArray());
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtErrors.Translate(ex, "Allocating a tensor failed");
        }

        return Wrap(value);
    }

    /// <summary>Takes ownership of an OrtValue that holds a CPU tensor (disposed if it is not one).</summary>
    internal static OrtTensor Wrap(OrtValue value)
    {
        try
        {
            if (!value.IsTensor)
            {
                throw new NotSupportedException($"ONNX value type {value.OnnxType} is not a tensor; only tensors are supported.");
            }

            var info = value.GetTensorTypeAndShape();
            var raw = value.GetTensorMutableRawData();
            var data = Unsafe.AsPointer(ref MemoryMarshal.GetReference(raw));
            return new OrtTensor(value, (TensorElementType)(int)info.ElementDataType, info.Shape, data, default);
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    /// <summary>The elements as a span of <typeparamref name="T"/>, which must match <see cref="ElementType"/>.</summary>
    public Span<T> GetSpan<T>()
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var requested = TensorElementTypes.Of<T>();
        if (requested != ElementType)
        {
            throw new InvalidOperationException(
                $"The tensor holds {OrtNodeInfo.TypeName(ElementType)} elements, not {OrtNodeInfo.TypeName(requested)} ({typeof(T).Name}).");
        }

        return new Span<T>(_data, checked((int)ElementCount));
    }

    /// <summary>The raw bytes of the elements.</summary>
    public Span<byte> GetBytes()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return new Span<byte>(_data, checked((int)ByteCount));
    }

    /// <summary>Copies <paramref name="source"/> (same length) into the tensor.</summary>
    public void CopyFrom<T>(ReadOnlySpan<T> source)
        where T : unmanaged
    {
        var target = GetSpan<T>();
        if (source.Length != target.Length)
        {
            throw new ArgumentException($"The tensor has {target.Length} elements; the source has {source.Length}.", nameof(source));
        }

        source.CopyTo(target);
    }

    /// <summary>A copy of the elements.</summary>
    public T[] ToArray<T>()
        where T : unmanaged => GetSpan<T>().ToArray();

    /// <summary>Whether the shape equals <paramref name="shape"/>.</summary>
    public bool HasShape(ReadOnlySpan<long> shape) => shape.SequenceEqual(_shape);

    /// <summary>Releases the OrtValue, then unpins the caller memory. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _value.Dispose();
        _pin.Dispose();
        OrtLiveObjects.Released();
    }

    /// <inheritdoc />
    public override string ToString() => OrtNodeInfo.Describe(ElementType, _shape);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<long> ShapeSpan() => _shape;

    private static OrtValue CreateValue(TensorElementType type, long[] dims, nint data, long bytes)
    {
        try
        {
            return OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance, (Microsoft.ML.OnnxRuntime.Tensors.TensorElementType)(int)type, dims, data, bytes);
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtErrors.Translate(ex, $"Creating a {OrtNodeInfo.Describe(type, dims)} tensor failed");
        }
    }
}
