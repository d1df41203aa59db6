using System.Globalization;
using System.Text.RegularExpressions;
using WebDiffusion.Core.Checkpoints.Safetensors;

namespace WebDiffusion.Core.Checkpoints.Pickle;

/// <summary>
/// A PyTorch file (<c>.pth</c>, <c>.ckpt</c>, <c>.pt</c>) written by <c>torch.save</c> in its zip format, read without
/// executing anything: the container is checked (only <c>data.pkl</c>, <c>data/N</c> and torch's small bookkeeping entries
/// under one folder), <c>data.pkl</c> runs on the <see cref="SafePickleMachine"/>, and every tensor becomes a view of its
/// stored (uncompressed) storage entry in the memory-mapped file, so the same code serves it as a safetensors file.
/// The state dict is the root dict, or its <c>state_dict</c>, <c>params_ema</c> or <c>params</c> entry when it has one
/// (as A1111 unwraps checkpoints and BasicSR models); nested dicts are flattened with <c>.</c>. Non-contiguous views are
/// listed in <see cref="Unreadable"/> and refused on access. Scalars at the root become <see cref="Metadata"/>.
/// </summary>
public sealed partial class TorchCheckpointFile : ICheckpointTensors
{
    private static readonly string[] Wrappers = ["state_dict", "params_ema", "params"];

    private readonly MappedFileView _view;
    private readonly Dictionary<string, (CheckpointTensorInfo Info, long Offset)> _byName;

    private TorchCheckpointFile(string path, MappedFileView view, List<(CheckpointTensorInfo Info, long Offset)> tensors, Dictionary<string, string> unreadable, Dictionary<string, string> metadata, object? root)
    {
        FilePath = path;
        _view = view;
        Tensors = [.. tensors.Select(t => t.Info)];
        _byName = tensors.ToDictionary(t => t.Info.Name, StringComparer.Ordinal);
        Unreadable = unreadable;
        Metadata = metadata;
        Root = root;
    }

    /// <inheritdoc />
    public string FilePath { get; }

    /// <inheritdoc />
    public IReadOnlyList<CheckpointTensorInfo> Tensors { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensors that exist but cannot be served as views (non-contiguous), with the reason.</summary>
    public IReadOnlyDictionary<string, string> Unreadable { get; }

    /// <summary>The whole unpickled value (plain values only).</summary>
    public object? Root { get; }

    /// <summary>Whether <paramref name="path"/> starts like a torch zip file.</summary>
    public static bool LooksLikeTorchZip(string path)
    {
        using var stream = File.OpenRead(path);
        return TorchZipContainer.LooksLikeZip(stream);
    }

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="PickleRefusedException">The pickle names a global outside the allow-list, uses another opcode, or exceeds a limit.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a torch zip file or is inconsistent (the message says how).</exception>
    public static TorchCheckpointFile Open(string path, PickleLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        limits ??= PickleLimits.Default;
        var full = Path.GetFullPath(path);
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
        try
        {
            if (!TorchZipContainer.LooksLikeZip(stream))
            {
                throw new CheckpointFormatException(full, null, "not a torch zip file (torch.save before 1.6, or a bare pickle, is not read); re-save it with a current torch or convert it to .safetensors.");
            }

            var (tensors, unreadable, metadata, root) = Read(stream, full, limits);
            var view = new MappedFileView(stream);
            return new TorchCheckpointFile(full, view, tensors, unreadable, metadata, root);
        }
        catch (Exception e) when (e is TorchZipException or EndOfStreamException or InvalidDataException or OverflowException)
        {
            throw new CheckpointFormatException(full, null, e.Message, e);
        }
    }

    private static (List<(CheckpointTensorInfo, long)>, Dictionary<string, string>, Dictionary<string, string>, object?) Read(FileStream stream, string path, PickleLimits limits)
    {
        var entries = TorchZipContainer.ReadEntries(stream);
        var pickles = entries.Where(e => e.Name.EndsWith("/data.pkl", StringComparison.Ordinal) && e.Name.IndexOf('/', StringComparison.Ordinal) == e.Name.Length - 9).ToList();
        if (pickles.Count != 1)
        {
            throw new CheckpointFormatException(path, null, $"a torch zip file has one <folder>/data.pkl; this one has {pickles.Count}.");
        }

        var folder = pickles[0].Name[..^9];
        var byName = new Dictionary<string, TorchZipEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (!entry.Name.StartsWith(folder + "/", StringComparison.Ordinal) || !AllowedEntry().IsMatch(entry.Name.AsSpan(folder.Length + 1)))
            {
                throw new PickleRefusedException(path, $"the zip holds '{entry.Name}', which is not an entry torch.save writes; refused.");
            }

            if (!byName.TryAdd(entry.Name, entry))
            {
                throw new CheckpointFormatException(path, null, $"the zip lists '{entry.Name}' twice.");
            }
        }

        if (byName.TryGetValue(folder + "/byteorder", out var byteorder))
        {
            var order = System.Text.Encoding.ASCII.GetString(TorchZipContainer.ReadEntry(stream, byteorder, 16));
            if (order != "little")
            {
                throw new CheckpointFormatException(path, null, $"byte order '{order}' is not read (only little-endian).");
            }
        }

        var storages = new Dictionary<string, (TorchStorageRef Storage, long DataOffset)>(StringComparer.Ordinal);
        TorchStorageRef Load(PickleTuple id) => LoadStorage(id, stream, path, folder, byName, storages);
        var pickle = TorchZipContainer.ReadEntry(stream, pickles[0], limits.MaxPickleBytes);
        var root = new SafePickleMachine(pickle, path, limits, Load).Run();

        var stateDict = Unwrap(root) ?? throw new CheckpointFormatException(path, null, "the pickle's root is not a dict of tensors.");
        var tensors = new List<(CheckpointTensorInfo, long)>();
        var unreadable = new Dictionary<string, string>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root is PickleDict rootDict)
        {
            foreach (var (key, value) in rootDict.Items)
            {
                if (key is string name && Scalar(value) is { } text)
                {
                    metadata[name] = text;
                }
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        Flatten(stateDict, string.Empty, 0, (name, tensor) =>
        {
            if (!names.Add(name))
            {
                throw new CheckpointFormatException(path, name, "the name occurs twice after flattening.");
            }

            if (names.Count > limits.MaxTensors)
            {
                throw new PickleRefusedException(path, $"more than {limits.MaxTensors} tensors.");
            }

            var (storage, dataOffset) = storages[tensor.Storage.Key];
            var problem = View(tensor, out var info, name, path);
            if (problem is null)
            {
                tensors.Add((info, dataOffset + (tensor.StorageOffset * TensorDTypes.SizeOf(storage.DType))));
            }
            else
            {
                unreadable[name] = problem;
            }
        }, path, limits);
        return (tensors, unreadable, metadata, root);
    }

    private static TorchStorageRef LoadStorage(PickleTuple id, FileStream stream, string path, string folder, Dictionary<string, TorchZipEntry> entries, Dictionary<string, (TorchStorageRef, long)> storages)
    {
        var items = id.Items;
        if (items.Count != 5 || items[0] is not "storage" || items[1] is not PickleGlobal type || items[2] is not string key || items[3] is not string || items[4] is not long count || count < 0)
        {
            throw new PickleRefusedException(path, "a persistent id is not ('storage', <storage type>, key, location, size).");
        }

        if (!TorchPickleGlobals.TryGetStorageType(type, out var dtype))
        {
            throw new PickleRefusedException(path, $"'{type}' is not a storage type.", type.ToString());
        }

        if (storages.TryGetValue(key, out var known))
        {
            return known.Item1.DType == dtype && known.Item1.ElementCount == count
                ? known.Item1
                : throw new CheckpointFormatException(path, null, $"storage '{key}' is named with two types or sizes.");
        }

        if (!entries.TryGetValue(folder + "/data/" + key, out var entry))
        {
            throw new CheckpointFormatException(path, null, $"storage '{key}' has no entry '{folder}/data/{key}' in the zip.");
        }

        if (entry.Method != 0 || entry.CompressedSize != entry.Size)
        {
            throw new CheckpointFormatException(path, null, $"storage entry '{entry.Name}' is compressed; torch stores storages uncompressed and only those are read.");
        }

        var size = TensorDTypes.SizeOf(dtype);
        if (count > entry.Size / size)
        {
            throw new CheckpointFormatException(path, null, $"storage '{key}' claims {count} elements of {size} bytes; its entry holds {entry.Size} bytes.");
        }

        var storage = new TorchStorageRef(dtype, key, count);
        storages[key] = (storage, TorchZipContainer.DataOffset(stream, entry));
        return storage;
    }

    private static string? View(TorchTensorRef tensor, out CheckpointTensorInfo info, string name, string path)
    {
        info = null!;
        long elements = 1;
        long last = tensor.StorageOffset;
        long expected = 1;
        var contiguous = true;
        for (var i = tensor.Shape.Count - 1; i >= 0; i--)
        {
            var n = tensor.Shape[i];
            elements = n == 0 ? 0 : checked(elements * n);
            if (n > 1 && tensor.Stride[i] != expected)
            {
                contiguous = false;
            }

            if (n > 0)
            {
                last = checked(last + ((n - 1) * tensor.Stride[i]));
            }

            expected = checked(expected * Math.Max(n, 1));
        }

        if (elements > 0 && last >= tensor.Storage.ElementCount)
        {
            throw new CheckpointFormatException(path, name, $"the view (offset {tensor.StorageOffset}, size [{string.Join(", ", tensor.Shape)}], stride [{string.Join(", ", tensor.Stride)}]) reaches element {last} of a storage of {tensor.Storage.ElementCount}.");
        }

        if (!contiguous)
        {
            return $"a non-contiguous view (size [{string.Join(", ", tensor.Shape)}], stride [{string.Join(", ", tensor.Stride)}]); save it with .contiguous() or as .safetensors.";
        }

        var dtype = tensor.Storage.DType;
        info = new CheckpointTensorInfo(name, dtype, SafetensorsName(dtype), tensor.Shape, elements * TensorDTypes.SizeOf(dtype));
        return null;
    }

    private static string SafetensorsName(TensorDType dtype) => dtype switch
    {
        TensorDType.Bool => "BOOL",
        _ => dtype.ToString().ToUpperInvariant(),
    };

    private static PickleDict? Unwrap(object? root)
    {
        if (root is not PickleDict dict)
        {
            return null;
        }

        foreach (var wrapper in Wrappers)
        {
            if (dict.Items.TryGetValue(wrapper, out var inner) && inner is PickleDict innerDict)
            {
                return innerDict;
            }
        }

        return dict;
    }

    private static void Flatten(PickleDict dict, string prefix, int depth, Action<string, TorchTensorRef> add, string path, PickleLimits limits)
    {
        if (depth > limits.MaxDepth)
        {
            throw new PickleRefusedException(path, $"dicts are nested deeper than {limits.MaxDepth} levels.");
        }

        foreach (var (key, value) in dict.Items)
        {
            var name = prefix + (key is string s ? s : Scalar(key) ?? "?");
            switch (value)
            {
                case TorchTensorRef tensor:
                    add(name, tensor);
                    break;
                case PickleDict inner:
                    Flatten(inner, name + ".", depth + 1, add, path, limits);
                    break;
            }
        }
    }

    private static string? Scalar(object? value) => value switch
    {
        string s => s,
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        _ => null,
    };

    [GeneratedRegex(@"^(data\.pkl|data/[0-9]+|version|byteorder|\.data/serialization_id|\.data/version|\.format_version|\.storage_alignment)$")]
    private static partial Regex AllowedEntry();

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
    public unsafe ReadOnlySpan<byte> GetBytes(string name)
    {
        var entry = Entry(name);
        if (entry.Info.ByteLength > int.MaxValue)
        {
            throw new CheckpointFormatException(FilePath, name, $"{entry.Info.ByteLength} bytes are too many for one span; use GetPointer.");
        }

        return new ReadOnlySpan<byte>(_view.At(entry.Offset), (int)entry.Info.ByteLength);
    }

    /// <inheritdoc />
    public unsafe nint GetPointer(string name) => (nint)_view.At(Entry(name).Offset);

    /// <inheritdoc />
    public long GetFileOffset(string name) => Entry(name).Offset;

    /// <inheritdoc />
    public void ReadFloat32(string name, Span<float> destination) => TensorBytes.ReadFloat32(FilePath, Get(name), GetBytes(name), destination);

    /// <inheritdoc />
    public long[] ReadInt64(string name) => TensorBytes.ReadInt64(FilePath, Get(name), GetBytes(name));

    /// <summary>Unmaps the file. Safe to call twice.</summary>
    public void Dispose() => _view.Dispose();

    private (CheckpointTensorInfo Info, long Offset) Entry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_view.IsDisposed, this);
        if (_byName.TryGetValue(name, out var entry))
        {
            return entry;
        }

        if (Unreadable.TryGetValue(name, out var problem))
        {
            throw new CheckpointFormatException(FilePath, name, problem);
        }

        throw new CheckpointTensorMissingException(FilePath, name);
    }
}
