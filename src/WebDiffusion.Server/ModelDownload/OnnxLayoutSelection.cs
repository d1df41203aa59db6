namespace WebDiffusion.Server.ModelDownload;

/// <summary>
/// Picks the files of a repo that make a diffusers ONNX model: <c>model_index.json</c>,
/// <c>scheduler/scheduler_config.json</c>, and the files directly inside <c>tokenizer/</c>, <c>text_encoder/</c>,
/// <c>unet/</c>, <c>vae_decoder/</c>, <c>vae_encoder/</c> (and the SDXL <c>_2</c> folders) — ONNX graphs, their
/// external weights (<c>weights.pb</c>, <c>model.onnx_data</c>) and JSON/text configs. PyTorch and safetensors
/// weights, READMEs and pictures are skipped.
/// </summary>
public static class OnnxLayoutSelection
{
    /// <summary>Files a model needs to load; a repo without them is refused.</summary>
    public static IReadOnlyList<string> RequiredFiles { get; } =
    [
        "tokenizer/vocab.json",
        "tokenizer/merges.txt",
        "text_encoder/model.onnx",
        "unet/model.onnx",
        "vae_decoder/model.onnx",
    ];

    private static readonly HashSet<string> RootFiles = new(StringComparer.Ordinal) { "model_index.json", "scheduler/scheduler_config.json" };

    private static readonly HashSet<string> ComponentFolders = new(StringComparer.Ordinal)
    {
        "tokenizer", "tokenizer_2", "text_encoder", "text_encoder_2", "unet", "vae_decoder", "vae_encoder",
    };

    private static readonly HashSet<string> SkippedExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".safetensors", ".ckpt", ".bin", ".pt", ".pth", ".msgpack", ".h5", ".pkl", ".md", ".png", ".jpg", ".jpeg", ".webp",
        ".gif", ".py", ".ipynb", ".gitattributes", ".gitignore",
    };

    /// <summary>True when <paramref name="path"/> (a repo path with '/') belongs to the ONNX layout.</summary>
    public static bool IsSelected(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (RootFiles.Contains(path))
        {
            return true;
        }

        var parts = path.Split('/');
        return parts.Length == 2
            && ComponentFolders.Contains(parts[0])
            && parts[1].Length > 0
            && !parts[1].StartsWith('.')
            && !parts[1].Contains('\\', StringComparison.Ordinal)
            && parts[1].IndexOfAny(Path.GetInvalidFileNameChars()) < 0
            && !SkippedExtensions.Contains(Path.GetExtension(parts[1]))
            && !parts[1].StartsWith("README", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The files to download from <paramref name="listing"/>; throws <see cref="ModelPullException"/> when the repo has
    /// no ONNX model in the diffusers layout or lacks one of <see cref="RequiredFiles"/>.
    /// </summary>
    public static IReadOnlyList<HubFile> Select(HubRepoListing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var selected = listing.Files.Where(f => IsSelected(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var where = $"{listing.Repo} at {listing.Revision}";
        if (!selected.Any(f => f.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ModelPullException(
                $"{where} has no ONNX model in the diffusers layout (unet/model.onnx, text_encoder/model.onnx, vae_decoder/model.onnx). " +
                "It is probably a PyTorch/safetensors repo: pick an ONNX export of the model (often named …-onnx, or a revision such as --revision onnx).");
        }

        var present = selected.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var missing = RequiredFiles.Where(r => !present.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            throw new ModelPullException($"{where} is not a complete diffusers ONNX model: missing {string.Join(", ", missing)}.");
        }

        return selected;
    }
}
