namespace WebDiffusion.Core.Models;

/// <summary>An immutable listing of the models folder taken by one <see cref="ModelRegistry.Refresh"/>.</summary>
/// <param name="Models">Model folders (and refused single-file checkpoints) under Stable-diffusion/, by name.</param>
/// <param name="Vae">Files under VAE/.</param>
/// <param name="Loras">Files under Lora/.</param>
/// <param name="Embeddings">Files under models/embeddings/ and &lt;root&gt;/embeddings/.</param>
/// <param name="ScannedAt">When the scan finished.</param>
public sealed record ModelRegistrySnapshot(
    IReadOnlyList<ModelDescription> Models,
    IReadOnlyList<AuxiliaryModelFile> Vae,
    IReadOnlyList<AuxiliaryModelFile> Loras,
    IReadOnlyList<AuxiliaryModelFile> Embeddings,
    DateTimeOffset ScannedAt)
{
    /// <summary>The model named <paramref name="name"/> (ordinal), or null.</summary>
    public ModelDescription? Find(string name) => Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));
}
