using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>The text encoder: token ids [batch,77] → last_hidden_state [batch,77,HiddenSize] (int32/int64 ids and fp16 handled).</summary>
public sealed class TextEncoder
{
    /// <summary>Tokens per chunk.</summary>
    public const int TokenCount = 77;

    private readonly ComponentSession _component;

    internal TextEncoder(ComponentSession component, int hiddenSize, TextEncoderFeatures features)
    {
        _component = component;
        HiddenSize = hiddenSize;
        Features = features;
    }

    /// <summary>What the export offers beyond ids → last_hidden_state (clip skip, textual inversion).</summary>
    public TextEncoderFeatures Features { get; }

    /// <summary>Width of each token's hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>Encodes <paramref name="batch"/> rows of 77 ids into <paramref name="hidden"/> (batch×77×HiddenSize floats).</summary>
    public void Encode(ReadOnlySpan<int> ids, int batch, Span<float> hidden, CancellationToken cancellationToken = default)
    {
        BatchChunks.CheckLength(ids.Length, (long)batch * TokenCount, nameof(ids));
        BatchChunks.CheckLength(hidden.Length, (long)batch * TokenCount * HiddenSize, nameof(hidden));
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
}
