using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>
/// The text encoder: token ids [batch,77] → last_hidden_state [batch,77,HiddenSize] (int32/int64 ids and fp16 handled).
/// A text encoder compiled from a checkpoint takes token embeddings instead (looked up here, so textual-inversion vectors
/// can replace rows) and also gives every layer after the final layer norm (clip skip).
/// </summary>
public sealed class TextEncoder
{
    /// <summary>Tokens per chunk.</summary>
    public const int TokenCount = 77;

    private readonly ComponentSession _component;
    private readonly ClipTokenEmbeddings? _tokens;
    private readonly ClipTextLayout? _layout;

    internal TextEncoder(ComponentSession component, int hiddenSize, TextEncoderFeatures features)
    {
        _component = component;
        HiddenSize = hiddenSize;
        Features = features;
    }

    internal TextEncoder(ComponentSession component, int hiddenSize, ClipTokenEmbeddings tokens, ClipTextLayout layout)
        : this(component, hiddenSize, TextEncoderFeatures.Compiled)
    {
        _tokens = tokens;
        _layout = layout;
        Layers = (int)(component.Signature.FindOutput("clip_skip_states")?.FixedDim(0) ?? 1);
    }

    /// <summary>Transformer layers whose output clip skip can take (1 for exports: the last only).</summary>
    public int Layers { get; } = 1;

    /// <summary>What the export offers beyond ids → last_hidden_state (clip skip, textual inversion).</summary>
    public TextEncoderFeatures Features { get; }

    /// <summary>Width of each token's hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>Encodes <paramref name="batch"/> rows of 77 ids into <paramref name="hidden"/> (batch×77×HiddenSize floats).</summary>
    public void Encode(ReadOnlySpan<int> ids, int batch, Span<float> hidden, CancellationToken cancellationToken = default)
    {
        BatchChunks.CheckLength(ids.Length, (long)batch * TokenCount, nameof(ids));
        BatchChunks.CheckLength(hidden.Length, (long)batch * TokenCount * HiddenSize, nameof(hidden));
        if (_tokens is not null)
        {
            for (var row = 0; row < batch; row++)
            {
                EncodeCompiled(ids.Slice(row * TokenCount, TokenCount), [], 1, hidden.Slice(row * TokenCount * HiddenSize, TokenCount * HiddenSize), cancellationToken);
            }

            return;
        }

        var session = _component.Session;
        var chunk = BatchChunks.Size(batch, _component.FixedBatch("input_ids"), _component.Path);
        var idType = _component.InputType("input_ids");
        for (var start = 0; start < batch; start += chunk)
        {
            var slice = ids.Slice(start * TokenCount, chunk * TokenCount);
            using var input = OrtTensor.Allocate(idType, [chunk, TokenCount]);
            if (idType == TensorElementType.Int64)
            {
                var target = input.GetSpan<long>();
                for (var i = 0; i < slice.Length; i++)
                {
                    target[i] = slice[i];
                }
            }
            else
            {
                slice.CopyTo(input.GetSpan<int>());
            }

            var outputs = session.Run([new OrtNamedTensor("input_ids", input)], ["last_hidden_state"], cancellationToken);
            try
            {
                TensorIo.ExpectShape(outputs[0], _component.Path, "last_hidden_state", [chunk, TokenCount, HiddenSize]);
                TensorIo.ReadFloats(outputs[0], hidden.Slice(start * TokenCount * HiddenSize, chunk * TokenCount * HiddenSize));
            }
            finally
            {
                TensorIo.DisposeAll(outputs);
            }
        }
    }

    /// <summary>
    /// Encodes one chunk with textual-inversion vectors in place of the token embeddings at their positions and A1111's clip
    /// skip (the final layer norm of the n-th layer from the end; SD 2.x always the penultimate layer) — for text encoders
    /// compiled from a checkpoint.
    /// </summary>
    /// <exception cref="NotSupportedException">The text encoder is an export (see <see cref="Features"/> for the reason).</exception>
    /// <exception cref="ArgumentException">Clip skip beyond the layers, or an embedding of another width or past the 77 slots.</exception>
    public void EncodeChunk(TextEncoderInput input, Span<float> hidden, CancellationToken cancellationToken = default)
    {
        if (_tokens is null)
        {
            if (input.Insertions.Count > 0)
            {
                throw new NotSupportedException($"Textual-inversion embeddings cannot be used: {Features.EmbeddingRefusal}.");
            }

            if (input.ClipSkip > 1)
            {
                throw new NotSupportedException($"Clip skip {input.ClipSkip} cannot be used: {Features.ClipSkipRefusal}.");
            }

            Encode(input.TokenIds.Span, 1, hidden, cancellationToken);
            return;
        }

        BatchChunks.CheckLength(input.TokenIds.Length, TokenCount, "ids");
        BatchChunks.CheckLength(hidden.Length, (long)TokenCount * HiddenSize, nameof(hidden));
        EncodeCompiled(input.TokenIds.Span, input.Insertions, input.ClipSkip, hidden, cancellationToken);
    }

    private void EncodeCompiled(ReadOnlySpan<int> ids, IReadOnlyList<EmbeddingInsertion> insertions, int clipSkip, Span<float> hidden, CancellationToken cancellationToken)
    {
        var skip = Math.Max(1, clipSkip);
        if (_layout!.IsOpenClip)
        {
            skip = Math.Min(skip, Layers); // SD 2.x always takes the penultimate layer, whatever the setting (as A1111)
        }
        else if (skip > Layers)
        {
            throw new ArgumentException($"Clip skip {skip} is more than this model's {Layers} text encoder layers; use 1 to {Layers}.", nameof(clipSkip));
        }

        var index = _layout.ClipSkipStateIndex(skip, Layers);

        using var embeds = OrtTensor.Allocate(TensorElementType.Float, [1, TokenCount, HiddenSize]);
        BuildInputsEmbeds(ids, insertions, embeds.GetSpan<float>());
        var output = index == 0 ? "last_hidden_state" : "clip_skip_states";
        var outputs = _component.Run([new OrtNamedTensor("inputs_embeds", embeds)], [output], cancellationToken);
        try
        {
            var width = TokenCount * HiddenSize;
            if (index == 0)
            {
                TensorIo.ExpectShape(outputs[0], _component.Path, output, [1, TokenCount, HiddenSize]);
                TensorIo.ReadFloats(outputs[0], hidden);
            }
            else
            {
                TensorIo.ExpectShape(outputs[0], _component.Path, output, [Layers, 1, TokenCount, HiddenSize]);
                outputs[0].GetSpan<float>().Slice(index * width, width).CopyTo(hidden);
            }
        }
        finally
        {
            TensorIo.DisposeAll(outputs);
        }
    }

    /// <summary>
    /// The <c>inputs_embeds</c> rows of one chunk: each id's token embedding, then every insertion's vectors over the
    /// rows of its slots (compiled text encoders only).
    /// </summary>
    internal void BuildInputsEmbeds(ReadOnlySpan<int> ids, IReadOnlyList<EmbeddingInsertion> insertions, Span<float> rows)
    {
        if (_tokens is null)
        {
            throw new NotSupportedException($"Textual-inversion embeddings cannot be used: {Features.EmbeddingRefusal}.");
        }

        BatchChunks.CheckLength(ids.Length, TokenCount, nameof(ids));
        BatchChunks.CheckLength(rows.Length, (long)TokenCount * HiddenSize, nameof(rows));
        Span<long> longIds = stackalloc long[TokenCount];
        for (var i = 0; i < TokenCount; i++)
        {
            longIds[i] = ids[i];
        }

        _tokens.Embed(longIds, rows);
        foreach (var insertion in insertions)
        {
            var embedding = insertion.Embedding;
            if (embedding.Dimension != HiddenSize)
            {
                throw new ArgumentException(
                    $"Embedding '{embedding.Name}' has {embedding.Dimension}-wide vectors; this model's text encoder takes {HiddenSize} (it was trained for another model family).",
                    nameof(insertions));
            }

            if (insertion.Position < 0 || insertion.Position + embedding.VectorCount > TokenCount)
            {
                throw new ArgumentException($"Embedding '{embedding.Name}' at slot {insertion.Position} with {embedding.VectorCount} vectors does not fit the {TokenCount} slots.", nameof(insertions));
            }

            embedding.Vectors.Span.CopyTo(rows.Slice(insertion.Position * HiddenSize, embedding.VectorCount * HiddenSize));
        }
    }
}
