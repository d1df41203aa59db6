namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>A prompt text split into 77-slot chunks.</summary>
/// <param name="Chunks">The chunks (at least one).</param>
/// <param name="TokenCount">Prompt tokens and embedding vectors in all chunks (no BOS/EOS/padding).</param>
public sealed record TokenizedPrompt(IReadOnlyList<PromptChunk> Chunks, int TokenCount);
