namespace WebDiffusion.Core.Lora;

/// <summary>
/// The LoRA files of a folder (<c>models/Lora</c>, sub-folders included), found by the name a prompt uses: the file stem,
/// else the <c>ss_output_name</c> alias from a file's metadata (A1111's alias). Loaded files are kept (by path, size and
/// modification time, up to <see cref="MaxLoaded"/>), so the next job with the same LoRA reads nothing. Thread-safe.
/// </summary>
public sealed class LoraLibrary(string folder)
{
    /// <summary>Loaded files kept in memory.</summary>
    public const int MaxLoaded = 16;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTime Written, long Length, LoraNetwork Network)> _loaded = new(StringComparer.Ordinal);

    /// <summary>The folder.</summary>
    public string Folder { get; } = folder ?? throw new ArgumentNullException(nameof(folder));

    /// <summary>The <c>.safetensors</c> files of the folder, in path order (empty when it does not exist).</summary>
    public IReadOnlyList<string> Files() => Directory.Exists(Folder)
        ? [.. Directory.EnumerateFiles(Folder, "*.safetensors", SearchOption.AllDirectories).Order(StringComparer.Ordinal)]
        : [];

    /// <summary>The network named <paramref name="name"/>, or null when no file has that name or alias.</summary>
    /// <exception cref="LoraFormatException">The file exists but cannot be read as a LoRA.</exception>
    public LoraNetwork? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var files = Files();
        var byStem = files.FirstOrDefault(f => string.Equals(Path.GetFileNameWithoutExtension(f), name, StringComparison.Ordinal));
        if (byStem is not null)
        {
            return Load(byStem);
        }

        foreach (var file in files)
        {
            try
            {
                if (Load(file).Alias == name)
                {
                    return Load(file);
                }
            }
            catch (LoraFormatException)
            {
                // another file's problem; it is reported when that file is asked for by its own name
            }
        }

        return null;
    }

    /// <summary>Reads <paramref name="path"/>, or returns it from memory when the file has not changed.</summary>
    /// <exception cref="LoraFormatException">The file cannot be read as a LoRA.</exception>
    public LoraNetwork Load(string path)
    {
        var file = new FileInfo(path);
        lock (_gate)
        {
            if (_loaded.TryGetValue(file.FullName, out var kept) && kept.Written == file.LastWriteTimeUtc && kept.Length == file.Length)
            {
                return kept.Network;
            }
        }

        var network = LoraNetwork.Load(file.FullName);
        lock (_gate)
        {
            if (_loaded.Count >= MaxLoaded)
            {
                _loaded.Clear();
            }

            _loaded[file.FullName] = (file.LastWriteTimeUtc, file.Length, network);
        }

        return network;
    }
}
