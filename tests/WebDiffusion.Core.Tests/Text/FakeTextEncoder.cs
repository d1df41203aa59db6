using WebDiffusion.Core.Text.Conditioning;

namespace WebDiffusion.Core.Tests.Text;

/// <summary>
/// Deterministic stand-in for CLIP: hidden[i, d] = f(id_i, i, d), or, where an embedding is inserted, a value derived
/// from the embedding's vector. Records every call so tests can check chunk order and inputs.
/// </summary>
internal sealed class FakeTextEncoder(int hiddenSize = 8, bool supportsClipSkip = true, bool supportsInsertion = true) : ITextEncoder
{
    public int HiddenSize { get; } = hiddenSize;

    public bool SupportsClipSkip { get; } = supportsClipSkip;

    public bool SupportsEmbeddingInsertion { get; } = supportsInsertion;

    public List<(int[] Ids, EmbeddingInsertion[] Insertions, int ClipSkip)> Calls { get; } = [];

    public static float Value(int id, int position, int d) => 0.25f + (((id * 31) + (position * 7) + (d * 3)) % 97) / 50f;

    public ValueTask EncodeAsync(TextEncoderInput input, Memory<float> hidden, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var ids = input.TokenIds.ToArray();
        Assert.Equal(77, ids.Length);
        Assert.Equal(77 * HiddenSize, hidden.Length);
        Calls.Add((ids, input.Insertions.ToArray(), input.ClipSkip));
        var span = hidden.Span;
        for (var i = 0; i < 77; i++)
        {
            for (var d = 0; d < HiddenSize; d++)
            {
                span[(i * HiddenSize) + d] = Value(ids[i], i, d) + input.ClipSkip;
            }
        }

        foreach (var insertion in input.Insertions)
        {
            var vectors = insertion.Embedding.Vectors.Span;
            for (var v = 0; v < insertion.Embedding.VectorCount; v++)
            {
                for (var d = 0; d < HiddenSize; d++)
                {
                    span[((insertion.Position + v) * HiddenSize) + d] = 100f + vectors[(v * HiddenSize) + d];
                }
            }
        }

        return ValueTask.CompletedTask;
    }
}
