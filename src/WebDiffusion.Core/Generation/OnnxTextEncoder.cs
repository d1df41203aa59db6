using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Conditioning;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// The text side of a loaded model as the conditioning builder sees it. For an ONNX export only <c>input_ids</c> →
/// <c>last_hidden_state</c> is bound, so clip skip and textual-inversion vectors are refused with the export's reason
/// (<see cref="TextEncoderFeatures"/>; the server refuses such requests before they are queued); a text encoder compiled
/// from a checkpoint honours both.
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
        encoder.EncodeChunk(input, hidden.Span, cancellationToken);
        return ValueTask.CompletedTask;
    }
}
