namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>
/// A CLIP text encoder that turns one 77-token chunk into hidden states <c>[77, HiddenSize]</c>
/// (the ONNX-backed implementation lives with the pipelines; tests use a deterministic fake).
/// </summary>
public interface ITextEncoder
{
    /// <summary>Width of the hidden states and of the token embeddings (768 for SD1.x, 1024 for SD2.x).</summary>
    int HiddenSize { get; }

    /// <summary>True when <see cref="TextEncoderInput.ClipSkip"/> values above 1 are honoured.</summary>
    bool SupportsClipSkip { get; }

    /// <summary>True when <see cref="TextEncoderInput.Insertions"/> (textual inversion) are honoured.</summary>
    bool SupportsEmbeddingInsertion { get; }

    /// <summary>Encodes one chunk into <paramref name="hidden"/> (length 77 × <see cref="HiddenSize"/>, row-major).</summary>
    ValueTask EncodeAsync(TextEncoderInput input, Memory<float> hidden, CancellationToken cancellationToken);
}
