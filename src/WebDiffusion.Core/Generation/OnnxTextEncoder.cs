using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Conditioning;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// The text side of a loaded model as the conditioning builder sees it. Diffusers ONNX exports take token ids and
/// return the last hidden state only, so CLIP skip and textual-inversion vectors are refused with a clear message
/// by the builder (see <see cref="SupportsClipSkip"/>, <see cref="SupportsEmbeddingInsertion"/>).
/// </summary>
public sealed class OnnxTextEncoder(TextEncoder encoder) : ITextEncoder
{
    /// <inheritdoc />
    public int HiddenSize => encoder.HiddenSize;

    /// <inheritdoc />
    public bool SupportsClipSkip => false;

    /// <inheritdoc />
    public bool SupportsEmbeddingInsertion => false;

    /// <inheritdoc />
    public ValueTask EncodeAsync(TextEncoderInput input, Memory<float> hidden, CancellationToken cancellationToken)
    {
        if (input.Insertions.Count > 0)
        {
            throw new NotSupportedException("This model's text encoder export takes token ids only, so textual-inversion embeddings cannot be inserted.");
        }

        encoder.Encode(input.TokenIds.Span, 1, hidden.Span, cancellationToken);
        return ValueTask.CompletedTask;
    }
}
