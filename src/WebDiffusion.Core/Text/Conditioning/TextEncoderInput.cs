namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>One chunk for the text encoder.</summary>
/// <param name="TokenIds">77 ids: BOS, tokens, EOS, padding.</param>
/// <param name="Insertions">Textual-inversion vectors that replace token embeddings (empty when none).</param>
/// <param name="ClipSkip">1 = last layer; 2 = the layer before (A1111 "Clip skip"), then the final layer norm.</param>
public readonly record struct TextEncoderInput(ReadOnlyMemory<int> TokenIds, IReadOnlyList<EmbeddingInsertion> Insertions, int ClipSkip);
