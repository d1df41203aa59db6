using WebDiffusion.Core.Checkpoints.Diffusers;

namespace WebDiffusion.Core.Models;

/// <summary>
/// Lists the models folder in A1111's layout: each <c>Stable-diffusion/&lt;name&gt;/</c> folder is a diffusers ONNX model
/// (described by <see cref="ModelFolderReader"/>), and each <c>.safetensors</c> checkpoint in it or in a sub-folder without
/// ONNX components is a model named by its relative path (<see cref="CheckpointFileReader"/>); <c>VAE/</c>, <c>Lora/</c> and <c>embeddings/</c> (also
/// <c>&lt;root&gt;/embeddings</c>, as A1111 keeps them) list .safetensors and .onnx files, with pickle formats
/// (.ckpt, .pt, .bin, .pth) listed as refused. One broken folder never hides the others. Thread-safe: refreshes
/// are serialized and readers always see a complete snapshot.
/// </summary>
public sealed class ModelRegistry
{
    /// <summary>The checkpoints folder name (A1111's).</summary>
    public const string CheckpointsFolder = "Stable-diffusion";

    private const string PickleRefusal = "pickle files (.ckpt/.pt/.bin/.pth) can run code when loaded and are refused; use .safetensors or ONNX";
    private static readonly string[] UsableExtensions = [".safetensors", ".onnx"];
    private static readonly string[] PickleExtensions = [".ckpt", ".pt", ".bin", ".pth"];

    private readonly Lock _refreshLock = new();
    private readonly IReadOnlyList<string> _embeddingFolders;
    private readonly ModelHashCache? _hashes;
    private volatile ModelRegistrySnapshot? _current;

    /// <summary>A registry over <paramref name="modelsDir"/>; hashes are cached in <paramref name="dataDir"/> (null: no hashing).</summary>
    public ModelRegistry(string modelsDir, string? dataDir, string? extraEmbeddingsDir = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelsDir);
        ModelsDir = Path.GetFullPath(modelsDir);
        _hashes = dataDir is null ? null : new ModelHashCache(dataDir);
        _embeddingFolders = extraEmbeddingsDir is null
            ? [Path.Combine(ModelsDir, "embeddings")]
            : [Path.Combine(ModelsDir, "embeddings"), Path.GetFullPath(extraEmbeddingsDir)];
    }

    /// <summary>The models folder.</summary>
    public string ModelsDir { get; }

    /// <summary>The folder holding the model folders.</summary>
    public string CheckpointsDir => Path.Combine(ModelsDir, CheckpointsFolder);

    /// <summary>The latest snapshot (scanning once on first use).</summary>
    public ModelRegistrySnapshot Current => _current ?? Refresh();

    /// <summary>Scans the folders again and returns (and keeps) the new snapshot.</summary>
    public ModelRegistrySnapshot Refresh(CancellationToken cancellationToken = default)
    {
        lock (_refreshLock)
        {
            var snapshot = new ModelRegistrySnapshot(
                ScanCheckpoints(cancellationToken),
                ListFiles([Path.Combine(ModelsDir, "VAE")]),
                ListFiles([Path.Combine(ModelsDir, "Lora")]),
                ListFiles(_embeddingFolders),
                DateTimeOffset.UtcNow);
            _current = snapshot;
            return snapshot;
        }
    }

    /// <summary>The full SHA-256 of <paramref name="file"/> from the hash cache (computed once per file version), or null without a data folder.</summary>
    public string? Sha256Of(string file, CancellationToken cancellationToken = default) =>
        _hashes?.GetOrCompute([file], cancellationToken);

    /// <summary>The model named <paramref name="name"/> in the current snapshot, or null.</summary>
    public ModelDescription? Find(string name) => Current.Find(name);

    private List<ModelDescription> ScanCheckpoints(CancellationToken cancellationToken)
    {
        var models = new List<ModelDescription>();
        if (!Directory.Exists(CheckpointsDir))
        {
            return models;
        }

        foreach (var folder in Directory.EnumerateDirectories(CheckpointsDir).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Path.GetFileName(folder).StartsWith('.'))
            {
                continue;
            }

            if (IsCheckpointCollection(folder))
            {
                // A1111 users keep checkpoints in sub-folders: each file is a model named by its relative path.
                foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    AddCheckpointFile(models, file, cancellationToken);
                }

                continue;
            }

            try
            {
                models.Add(IsDiffusersPyTorchFolder(folder)
                    ? DiffusersFolderReader.Describe(folder, _hashes, cancellationToken)
                    : ModelFolderReader.Describe(folder, _hashes, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // Whatever one folder holds (a hostile or half-written file), it is reported on that folder only.
                models.Add(new ModelDescription { Name = Path.GetFileName(folder), Folder = folder, Error = ex.Message });
            }
        }

        foreach (var file in Directory.EnumerateFiles(CheckpointsDir).Order(StringComparer.Ordinal))
        {
            AddCheckpointFile(models, file, cancellationToken);
        }

        return models;
    }

    /// <summary>A diffusers folder with PyTorch safetensors weights and no ONNX components (compiled when loaded).</summary>
    private static bool IsDiffusersPyTorchFolder(string folder) =>
        DiffusersFolder.IsPyTorchFolder(folder)
        && !ModelComponents.Onnx.Any(c => File.Exists(Path.Combine(folder, c, ModelComponents.ModelFileName)));

    /// <summary>A folder without diffusers ONNX components that holds checkpoint files (at any depth).</summary>
    private static bool IsCheckpointCollection(string folder) =>
        !File.Exists(Path.Combine(folder, "model_index.json"))
        && !ModelComponents.Onnx.Any(c => Directory.Exists(Path.Combine(folder, c)))
        && Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any(f => Path.GetExtension(f).ToLowerInvariant() is ".safetensors" or ".ckpt");

    private void AddCheckpointFile(List<ModelDescription> models, string file, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var extension = Path.GetExtension(file).ToLowerInvariant();
        if (VaeSelection.IsVaeBesideCheckpoint(file))
        {
            return; // model.vae.safetensors is the VAE of model.safetensors, not a checkpoint (as A1111)
        }

        var name = Path.GetRelativePath(CheckpointsDir, file).Replace(Path.DirectorySeparatorChar, '/');
        if (extension is ".ckpt" or ".safetensors")
        {
            // .ckpt goes through the safe pickle machine: anything outside its allow-list is refused, naming the global.
            try
            {
                models.Add(CheckpointFileReader.Describe(file, name, _hashes, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                models.Add(new ModelDescription { Name = name, Folder = file, Source = ModelSourceKind.Checkpoint, Error = ex.Message });
            }
        }
    }

    private static List<AuxiliaryModelFile> ListFiles(IReadOnlyList<string> folders)
    {
        var files = new List<AuxiliaryModelFile>();
        foreach (var folder in folders.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var extension = Path.GetExtension(file).ToLowerInvariant();
                if (UsableExtensions.Contains(extension))
                {
                    files.Add(new AuxiliaryModelFile(Path.GetFileNameWithoutExtension(file), file, null));
                }
                else if (PickleExtensions.Contains(extension))
                {
                    files.Add(new AuxiliaryModelFile(Path.GetFileNameWithoutExtension(file), file, PickleRefusal));
                }
            }
        }

        return files;
    }
}
