using System.Buffers;
using System.Runtime.CompilerServices;
using WebDiffusion.Onnx.Native;

namespace WebDiffusion.Onnx;

/// <summary>
/// A dense CPU tensor owning an OrtValue: either over pinned caller memory (<see cref="Create{T}(Memory{T}, ReadOnlySpan{long})"/>,
/// the memory stays pinned until <see cref="Dispose"/>, so the caller can rewrite it between runs) or allocated by ORT
/// (<see cref="Allocate"/> and the outputs ORT allocates). Dispose only after every Run using it has returned.
/// </summary>
public sealed unsafe class OrtTensor : IDisposable
{
    private readonly OrtValueHandle _value;
    private readonly long[] _shape;
    private readonly void* _data;
    private MemoryHandle _pin;
    private int _disposed;

    private OrtTensor(OrtValueHandle value, TensorElementType elementType, long[] shape, void* data, MemoryHandle pin)
    {
        _value = value;
        _shape = shape;
        _data = data;
        _pin = pin;
        ElementType = elementType;
        ElementCount = TensorElementTypes.ElementCount(shape);
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

    internal nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _value.DangerousGetHandle();
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
            nint value;
            fixed (long* dims = shape)
            {
                OrtStatus.ThrowIfFailed(OrtNative.Api.CreateTensorWithDataAsOrtValue(
                    OrtNative.CpuMemoryInfo, pin.Pointer, (nuint)(count * sizeof(T)), dims, (nuint)shape.Length, (int)type, &value));
            }

            return new OrtTensor(new OrtValueHandle(value), type, shape.ToArray(), pin.Pointer, pin);
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

    /// <summary>A tensor whose memory ORT allocates (uninitialized) with its default CPU allocator.</summary>
    public static OrtTensor Allocate(TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        TensorElementTypes.ElementCount(shape);
        TensorElementTypes.SizeOf(elementType);
        nint value;
        fixed (long* dims = shape)
        {
            OrtStatus.ThrowIfFailed(OrtNative.Api.CreateTensorAsOrtValue(
                OrtNative.DefaultAllocator, dims, (nuint)shape.Length, (int)elementType, &value));
        }

        return Wrap(value);
    }

    /// <summary>Takes ownership of an OrtValue that holds a CPU tensor (released if it is not one).</summary>
    internal static OrtTensor Wrap(nint value)
    {
        var handle = new OrtValueHandle(value);
        try
        {
            ref readonly var api = ref OrtNative.Api;
            int valueType;
            OrtStatus.ThrowIfFailed(api.GetValueType(value, &valueType));
            if (valueType != 1)
            {
                throw new NotSupportedException($"ONNX value type {valueType} is not a tensor; only tensors are supported.");
            }

            nint info;
            OrtStatus.ThrowIfFailed(api.GetTensorTypeAndShape(value, &info));
            using var infoHandle = new OrtTensorTypeAndShapeHandle(info);
            int elementType;
            nuint rank;
            OrtStatus.ThrowIfFailed(api.GetTensorElementType(info, &elementType));
            OrtStatus.ThrowIfFailed(api.GetDimensionsCount(info, &rank));
            var shape = new long[(int)rank];
            fixed (long* dims = shape)
            {
                OrtStatus.ThrowIfFailed(api.GetDimensions(info, dims, rank));
            }

            void* data;
            OrtStatus.ThrowIfFailed(api.GetTensorMutableData(value, &data));
            return new OrtTensor(handle, (TensorElementType)elementType, shape, data, default);
        }
        catch
        {
            handle.Dispose();
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
    }

    /// <inheritdoc />
    public override string ToString() => OrtNodeInfo.Describe(ElementType, _shape);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<long> ShapeSpan() => _shape;
}
