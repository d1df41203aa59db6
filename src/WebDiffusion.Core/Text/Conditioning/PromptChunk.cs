namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>One 77-slot chunk of a tokenized prompt: ids, per-slot emphasis weights, embedding insertions.</summary>
/// <param name="Ids">BOS, up to 75 tokens, EOS, padding (77 ids).</param>
/// <param name="Weights">Per-slot multipliers (1.0 for BOS/EOS/padding).</param>
/// <param name="Insertions">Textual-inversion embeddings placed in this chunk.</param>
/// <param name="TokenCount">Slots holding prompt tokens or embedding vectors (without BOS/EOS/padding).</param>
public sealed record PromptChunk(int[] Ids, float[] Weights, IReadOnlyList<EmbeddingInsertion> Insertions, int TokenCount);
