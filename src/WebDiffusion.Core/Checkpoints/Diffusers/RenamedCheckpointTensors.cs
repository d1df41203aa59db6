namespace WebDiffusion.Core.Checkpoints.Diffusers;

/// <summary>
/// A read-only view of one checkpoint file under other tensor names (and, where a layout stores the same bytes with
/// another shape, another shape of equal element count): <see cref="FilePath"/>, <see cref="GetFileOffset"/> and the bytes
/// are the file's own, so a graph compiled through the view reads its weights from that file. The view owns the file.
/// </summary>
public sealed class RenamedCheckpointTensors : ICheckpointTensors
{
    private readonly ICheckpointTensors _file;
    private readonly Dictionary<string, (string Source, CheckpointTensorInfo Info)> _byName;

    /// <summary>The view over <paramref name="file"/>: each presented name maps to a tensor of the file, optionally reshaped.</summary>
    /// <param name="file">The file (owned: disposed with the view).</param>
    /// <param name="names">Presented name → (name in the file, shape to present or null for the file's).</param>
    /// <exception cref="CheckpointTensorMissingException">A mapped name is not in the file.</exception>
    /// <exception cref="CheckpointFormatException">A presented shape does not have the tensor's element count.</exception>
    public RenamedCheckpointTensors(ICheckpointTensors file, IEnumerable<KeyValuePair<string, (string Source, long[]? Shape)>> names)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(names);
        _file = file;
        _byName = new(StringComparer.Ordinal);
        foreach (var (name, (source, shape)) in names)
        {
            var info = file.Get(source);
            if (shape is not null && shape.Aggregate(1L, (a, b) => a * b) != info.ElementCount)
            {
                throw new CheckpointFormatException(file.FilePath, source, $"cannot present {info.ShapeText} as [{string.Join(", ", shape)}] ('{name}').");
            }

            _byName.Add(name, (source, info with { Name = name, Shape = shape ?? info.Shape }));
        }

        Tensors = [.. file.Tensors.SelectMany(t => _byName.Values.Where(v => v.Source == t.Name)).Select(v => v.Info)];
    }

    /// <inheritdoc />
    public string FilePath => _file.FilePath;

    /// <inheritdoc />
    public IReadOnlyList<CheckpointTensorInfo> Tensors { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Metadata => _file.Metadata;

    /// <summary>The file's name of the tensor presented as <paramref name="name"/>.</summary>
    /// <exception cref="CheckpointTensorMissingException">There is no such tensor.</exception>
    public string SourceName(string name) => Entry(name).Source;

    /// <inheritdoc />
    public bool TryGet(string name, out CheckpointTensorInfo info)
    {
        ArgumentNullException.ThrowIfNull(name);
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
    public ReadOnlySpan<byte> GetBytes(string name) => _file.GetBytes(Entry(name).Source);

    /// <inheritdoc />
    public nint GetPointer(string name) => _file.GetPointer(Entry(name).Source);

    /// <inheritdoc />
    public long GetFileOffset(string name) => _file.GetFileOffset(Entry(name).Source);

    /// <inheritdoc />
    public void ReadFloat32(string name, Span<float> destination) => _file.ReadFloat32(Entry(name).Source, destination);

    /// <inheritdoc />
    public long[] ReadInt64(string name) => _file.ReadInt64(Entry(name).Source);

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    private (string Source, CheckpointTensorInfo Info) Entry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var entry) ? entry : throw new CheckpointTensorMissingException(_file.FilePath, name);
    }
}
