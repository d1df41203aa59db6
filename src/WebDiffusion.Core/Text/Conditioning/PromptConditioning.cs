namespace WebDiffusion.Core.Text.Conditioning;

/// <summary>The encoded prompt: hidden states <c>[ChunkCount × 77, HiddenSize]</c>, chunks concatenated on the token axis.</summary>
public sealed class PromptConditioning
{
    /// <summary>Creates conditioning from row-major hidden states.</summary>
    public PromptConditioning(float[] hidden, int chunkCount, int hiddenSize, int tokenCount)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        if (hidden.Length != chunkCount * TokensPerChunk * hiddenSize)
        {
            throw new ArgumentException($"Expected {chunkCount} × {TokensPerChunk} × {hiddenSize} values, got {hidden.Length}.", nameof(hidden));
        }

        Hidden = hidden;
        ChunkCount = chunkCount;
        HiddenSize = hiddenSize;
        TokenCount = tokenCount;
    }

    /// <summary>Slots per chunk (77).</summary>
    public const int TokensPerChunk = PromptChunker.ChunkLength + 2;

    /// <summary>Hidden states, row-major <c>[SequenceLength, HiddenSize]</c>.</summary>
    public ReadOnlyMemory<float> Hidden { get; }

    /// <summary>Number of 77-token chunks.</summary>
    public int ChunkCount { get; }

    /// <summary>Token positions: <c>ChunkCount × 77</c>.</summary>
    public int SequenceLength => ChunkCount * TokensPerChunk;

    /// <summary>Width of each hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>Prompt tokens (and embedding vectors) encoded, without BOS/EOS/padding.</summary>
    public int TokenCount { get; }
}
