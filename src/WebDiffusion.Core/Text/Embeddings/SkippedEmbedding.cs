namespace WebDiffusion.Core.Text.Embeddings;

/// <summary>An embedding file that was not loaded or not used, and why.</summary>
/// <param name="Name">The trigger word (file stem).</param>
/// <param name="Path">The file.</param>
/// <param name="Reason">A sentence a user can act on.</param>
public sealed record SkippedEmbedding(string Name, string? Path, string Reason);
