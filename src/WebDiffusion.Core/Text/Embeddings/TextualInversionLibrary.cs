using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Safetensors;

namespace WebDiffusion.Core.Text.Embeddings;

/// <summary>
/// The embeddings folder: every <c>.safetensors</c> file (recursively) becomes an embedding named after its file stem.
/// Pickle files (<c>.pt</c>, <c>.bin</c>, <c>.ckpt</c>) are never loaded — unpickling runs code — and are listed as skipped.
/// </summary>
public sealed class TextualInversionLibrary
{
    private static readonly string[] PickleExtensions = [".pt", ".bin", ".ckpt", ".pth"];

    private TextualInversionLibrary(IReadOnlyList<TextualInversionEmbedding> embeddings, IReadOnlyList<SkippedEmbedding> skipped)
    {
        Embeddings = embeddings;
        Skipped = skipped;
    }

    /// <summary>The loaded embeddings.</summary>
    public IReadOnlyList<TextualInversionEmbedding> Embeddings { get; }

    /// <summary>Files that were not loaded, with the reason.</summary>
    public IReadOnlyList<SkippedEmbedding> Skipped { get; }

    /// <summary>Scans <paramref name="folder"/>; a missing folder gives an empty library.</summary>
    public static TextualInversionLibrary Load(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var loaded = new List<TextualInversionEmbedding>();
        var skipped = new List<SkippedEmbedding>();
        if (!Directory.Exists(folder))
        {
            return new TextualInversionLibrary(loaded, skipped);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var extension = Path.GetExtension(file).ToLowerInvariant();
            if (PickleExtensions.Contains(extension))
            {
                skipped.Add(new SkippedEmbedding(name, file, $"{extension} files are Python pickles, which can run code when loaded; convert the embedding to .safetensors."));
                continue;
            }

            if (extension != ".safetensors")
            {
                continue;
            }

            if (!names.Add(name))
            {
                skipped.Add(new SkippedEmbedding(name, file, $"another embedding is already named '{name}'."));
                continue;
            }

            try
            {
                loaded.Add(LoadFile(file));
            }
            catch (Exception ex) when (ex is CheckpointFormatException or CheckpointDTypeException or IOException or UnauthorizedAccessException)
            {
                names.Remove(name);
                skipped.Add(new SkippedEmbedding(name, file, ex.Message));
            }
        }

        return new TextualInversionLibrary(loaded, skipped);
    }

    /// <summary>
    /// Loads one embedding: the tensor <c>emb_params</c>, else <c>string_to_param.*</c>, else the only tensor;
    /// shape <c>[n, dim]</c> or <c>[dim]</c>.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file is malformed or has no usable tensor (the message names file and key).</exception>
    /// <exception cref="CheckpointDTypeException">The tensor is not a float tensor.</exception>
    public static TextualInversionEmbedding LoadFile(string path)
    {
        using var file = SafetensorsFile.Open(path);
        var tensor = file.Tensors.FirstOrDefault(t => t.Name == "emb_params")
            ?? file.Tensors.FirstOrDefault(t => t.Name.StartsWith("string_to_param.", StringComparison.Ordinal))
            ?? (file.Tensors.Count == 1 ? file.Tensors[0] : null)
            ?? throw new CheckpointFormatException(path, null,
                $"no 'emb_params' or 'string_to_param.*' tensor and {file.Tensors.Count} tensors to choose from (SDXL embeddings with clip_l/clip_g are not supported).");
        if (tensor.Shape.Count is < 1 or > 2 || tensor.Shape[^1] < 1 || (tensor.Shape.Count == 2 && tensor.Shape[0] < 1))
        {
            throw new CheckpointFormatException(path, tensor.Name, $"shape {tensor.ShapeText}; expected [vectors, dim].");
        }

        var vectors = tensor.Shape.Count == 2 ? (int)tensor.Shape[0] : 1;
        var dim = (int)tensor.Shape[^1];
        return new TextualInversionEmbedding(Path.GetFileNameWithoutExtension(path), file.ReadFloat32(tensor.Name), vectors, dim, path);
    }
}
