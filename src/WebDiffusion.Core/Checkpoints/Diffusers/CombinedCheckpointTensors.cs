namespace WebDiffusion.Core.Checkpoints.Diffusers;

/// <summary>
/// Several views with disjoint names read as one checkpoint, for architecture detection only: names, shapes and values come
/// from the part that holds them, but there is no single file, so <see cref="GetFileOffset"/> and <see cref="GetPointer"/>
/// are refused (compile each graph from its own part). Does not own the parts.
/// </summary>
internal sealed class CombinedCheckpointTensors(string folder, IReadOnlyList<ICheckpointTensors> parts) : ICheckpointTensors
{
    public string FilePath { get; } = folder;

    public IReadOnlyList<CheckpointTensorInfo> Tensors { get; } = [.. parts.SelectMany(p => p.Tensors)];

    public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

    public bool TryGet(string name, out CheckpointTensorInfo info)
    {
        foreach (var part in parts)
        {
            if (part.TryGet(name, out info))
            {
                return true;
            }
        }

        info = null!;
        return false;
    }

    public CheckpointTensorInfo Get(string name) => Part(name).Get(name);

    public ReadOnlySpan<byte> GetBytes(string name) => Part(name).GetBytes(name);

    public nint GetPointer(string name) => throw new NotSupportedException("The combined view of a diffusers folder is for detection; compile from the component's own view.");

    public long GetFileOffset(string name) => throw new NotSupportedException("The combined view of a diffusers folder is for detection; compile from the component's own view.");

    public void ReadFloat32(string name, Span<float> destination) => Part(name).ReadFloat32(name, destination);

    public long[] ReadInt64(string name) => Part(name).ReadInt64(name);

    public void Dispose()
    {
    }

    private ICheckpointTensors Part(string name) =>
        parts.FirstOrDefault(p => p.TryGet(name, out _)) ?? throw new CheckpointTensorMissingException(FilePath, name);
}
