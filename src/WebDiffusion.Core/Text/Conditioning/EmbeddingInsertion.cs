using WebDiffusion.Core.Text.Embeddings;

namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>
/// A textual-inversion embedding placed in a chunk: its <see cref="TextualInversionEmbedding.VectorCount"/> vectors
/// replace the token embeddings at positions <see cref="Position"/> … <see cref="Position"/> + n − 1 of the 77 slots
/// (the ids there are placeholders, 0).
/// </summary>
/// <param name="Position">First slot (1 is the first slot after BOS).</param>
/// <param name="Embedding">The embedding.</param>
public readonly record struct EmbeddingInsertion(int Position, TextualInversionEmbedding Embedding);
