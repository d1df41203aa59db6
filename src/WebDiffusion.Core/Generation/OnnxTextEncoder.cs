using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Conditioning;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// The text side of a loaded model as the conditioning builder sees it. Only <c>input_ids</c> → <c>last_hidden_state</c>
/// is bound, so CLIP skip and textual-inversion vectors are refused with the export's reason
/// (<see cref="TextEncoderFeatures"/>); the server refuses such requests before they are queued.
/// </summary>
public sealed class OnnxTextEncoder(TextEncoder encoder) : ITextEncoder
{
    /// <inheritdoc />
    public int HiddenSize => encoder.HiddenSize;

    /// <inheritdoc />
    public bool SupportsClipSkip => encoder.Features.SupportsClipSkip;

    /// <inheritdoc />
    public bool SupportsEmbeddingInsertion => encoder.Features.SupportsEmbeddings;

    /// <inheritdoc />
    public ValueTask EncodeAsync(TextEncoderInput input, Memory<float> hidden, CancellationToken cancellationToken)
    {
        if (input.Insertions.Count > 0)
        {
            throw new NotSupportedException($"Textual-inversion embeddings cannot be used: {encoder.Features.EmbeddingRefusal}.");
        }

        if (input.ClipSkip > 1)
        {
            throw new NotSupportedException($"Clip skip {input.ClipSkip} cannot be used: {encoder.Features.ClipSkipRefusal}.");
        }

        encoder.Encode(input.TokenIds.Span, 1, hidden.Span, cancellationToken);
        return ValueTask.CompletedTask;
    }
}
