
namespace WebDiffusion.Core.Checkpoints.Safetensors;

/// <summary>
/// A .safetensors file opened for reading: the header is read and validated first (see <see cref="SafetensorsLimits"/>),
/// then the file is memory-mapped read-only and tensors are served as views into the map. Dispose to unmap; views and
/// pointers handed out before are invalid afterwards. Reading is thread-safe.
/// </summary>
public sealed unsafe class SafetensorsFile : ICheckpointTensors
{
    private readonly MappedFileView _view;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsHeader.Entry> _byName;

    private SafetensorsFile(string path, MappedFileView view, SafetensorsHeader.Parsed header)
    {
        FilePath = path;
        _view = view;
        _dataStart = header.DataStart;
        Tensors = [.. header.Entries.Select(e => e.Info)];
        Metadata = header.Metadata;
        _byName = header.Entries.ToDictionary(e => e.Info.Name, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public string FilePath { get; }

    /// <inheritdoc />
    public IReadOnlyList<CheckpointTensorInfo> Tensors { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Bytes from the start of the file to the first tensor byte (8 + header length).</summary>
    public long DataStart => _dataStart;

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file (the message names the file and the key).</exception>
    public static SafetensorsFile Open(string path, SafetensorsLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var header = SafetensorsHeader.Read(stream, full, limits ?? SafetensorsLimits.Default);
        var view = new MappedFileView(stream);
        return new SafetensorsFile(full, view, header);
    }

    /// <inheritdoc />
    public bool TryGet(string name, out CheckpointTensorInfo info)
    {
        if (_byName.TryGetValue(name, out var entry))
        {
            info = entry.Info;
            return true;
        }

        info = null!;
        return false;
    }

    /// <inheritdoc />
    public CheckpointTensorInfo Get(string name) => Entry(name).Info;

    /// <inheritdoc />
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        var entry = Entry(name);
        if (entry.Info.ByteLength > int.MaxValue)
        {
            throw new CheckpointFormatException(FilePath, name, $"{entry.Info.ByteLength} bytes are too many for one span; use GetPointer.");
        }

        return new ReadOnlySpan<byte>(_view.At(_dataStart + entry.Begin), (int)entry.Info.ByteLength);
    }

    /// <inheritdoc />
    public nint GetPointer(string name) => (nint)_view.At(_dataStart + Entry(name).Begin);

    /// <inheritdoc />
    public long GetFileOffset(string name) => _dataStart + Entry(name).Begin;

    /// <inheritdoc />
    public void ReadFloat32(string name, Span<float> destination) => TensorBytes.ReadFloat32(FilePath, Get(name), GetBytes(name), destination);

    /// <inheritdoc />
    public long[] ReadInt64(string name) => TensorBytes.ReadInt64(FilePath, Get(name), GetBytes(name));

    /// <summary>Unmaps the file. Safe to call twice.</summary>
    public void Dispose() => _view.Dispose();

    private SafetensorsHeader.Entry Entry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_view.IsDisposed, this);
        return _byName.TryGetValue(name, out var entry) ? entry : throw new CheckpointTensorMissingException(FilePath, name);
    }
}
