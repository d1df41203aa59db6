using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>
/// The unet: (sample, timestep, encoder_hidden_states) → out_sample. Adapts to the export: timestep as int64 [1]
/// (rounded), float32/float16 [batch] or a scalar; float16 tensors converted at the boundary; a fixed batch
/// dimension run in chunks.
/// </summary>
public sealed class UNet
{
    private readonly ComponentSession _component;
    private readonly TensorElementType _sampleType;
    private readonly TensorElementType _contextType;
    private readonly TensorElementType _timestepType;
    private readonly int _timestepRank;
    private readonly bool _timestepIsOne;

    internal UNet(ComponentSession component, int contextSize, LatentFormat latent)
    {
        Latent = latent;
        _component = component;
        var s = component.Signature;
        var sample = s.FindInput("sample")!;
        var timestep = s.FindInput("timestep")!;
        InChannels = (int)(sample.FixedDim(1) ?? latent.Channels);
        ContextSize = contextSize;
        _sampleType = sample.ElementType;
        _contextType = s.FindInput("encoder_hidden_states")!.ElementType;
        _timestepType = timestep.ElementType;
        _timestepRank = timestep.HasShape ? timestep.Dims.Count : 1;
        _timestepIsOne = timestep.FixedDim(0) == 1;
        FixedBatch = component.FixedBatch("sample");
    }

    /// <summary>The execution provider the session really runs on: CPU after a fallback from a requested CUDA.</summary>
    public OrtExecutionProvider ExecutionProvider => _component.Session.ExecutionProvider;

    /// <summary>Whether the session was opened from ONNX Runtime's optimized-model cache (the model was optimized on an earlier load).</summary>
    public bool LoadedFromOptimizedModelCache => _component.Session.LoadedFromOptimizedModelCache;

    /// <summary>Input channels: the latent's (4 for SD), or 2·C + 1 for an inpainting unet (latent, mask, masked-image latent).</summary>
    public int InChannels { get; }

    /// <summary>The latent format it predicts in (its output has <see cref="LatentFormat.Channels"/> channels).</summary>
    public LatentFormat Latent { get; }

    /// <summary>True for an inpainting unet (9 input channels for SD).</summary>
    public bool IsInpainting => InChannels == Latent.InpaintingUNetChannels;

    /// <summary>Width of each context token (the text encoder's hidden size).</summary>
    public int ContextSize { get; }

    /// <summary>The batch size the export fixes, or null when dynamic.</summary>
    public int? FixedBatch { get; }

    /// <summary>True when any batch runs in one call (dim 0 of <c>sample</c> is symbolic).</summary>
    public bool SupportsDynamicBatch => FixedBatch is null;

    /// <summary>
    /// Predicts for <paramref name="batch"/> samples of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>
    /// at <paramref name="timestep"/> with <paramref name="context"/> (batch×contextTokens×ContextSize) into
    /// <paramref name="output"/> (batch×C×height×width, C the latent channels).
    /// </summary>
    public void Predict(ReadOnlySpan<float> sample, int batch, int channels, int height, int width, float timestep,
        ReadOnlySpan<float> context, int contextTokens, Span<float> output, CancellationToken cancellationToken = default)
    {
        if (channels != InChannels)
        {
            throw new ArgumentException($"{_component.Path} takes {InChannels} input channels, not {channels}.", nameof(channels));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextTokens, 1);
        var plane = height * width;
        var outChannels = Latent.Channels;
        BatchChunks.CheckLength(sample.Length, (long)batch * channels * plane, nameof(sample));
        BatchChunks.CheckLength(context.Length, (long)batch * contextTokens * ContextSize, nameof(context));
        BatchChunks.CheckLength(output.Length, (long)batch * outChannels * plane, nameof(output));
        var chunk = BatchChunks.Size(batch, FixedBatch, _component.Path);
        for (var start = 0; start < batch; start += chunk)
        {
            using var sampleTensor = TensorIo.FloatTensor(_sampleType, sample.Slice(start * channels * plane, chunk * channels * plane), [chunk, channels, height, width]);
            using var timestepTensor = TimestepTensor(timestep, chunk);
            using var contextTensor = TensorIo.FloatTensor(_contextType,
                context.Slice(start * contextTokens * ContextSize, chunk * contextTokens * ContextSize), [chunk, contextTokens, ContextSize]);
            var outputs = _component.Run(
                [new OrtNamedTensor("sample", sampleTensor), new OrtNamedTensor("timestep", timestepTensor), new OrtNamedTensor("encoder_hidden_states", contextTensor)],
                ["out_sample"],
                cancellationToken);
            try
            {
                TensorIo.ExpectShape(outputs[0], _component.Path, "out_sample", [chunk, outChannels, height, width]);
                TensorIo.ReadFloats(outputs[0], output.Slice(start * outChannels * plane, chunk * outChannels * plane));
            }
            finally
            {
                TensorIo.DisposeAll(outputs);
            }
        }
    }

    private OrtTensor TimestepTensor(float timestep, int batch)
    {
        long[] shape = _timestepRank == 0 ? [] : [_timestepIsOne ? 1 : batch];
        var tensor = OrtTensor.Allocate(_timestepType, shape);
        switch (_timestepType)
        {
            case TensorElementType.Int64:
                tensor.GetSpan<long>().Fill((long)Math.Round(timestep, MidpointRounding.AwayFromZero));
                break;
            case TensorElementType.Int32:
                tensor.GetSpan<int>().Fill((int)Math.Round(timestep, MidpointRounding.AwayFromZero));
                break;
            case TensorElementType.Float16:
                tensor.GetSpan<Half>().Fill((Half)timestep);
                break;
            default:
                tensor.GetSpan<float>().Fill(timestep);
                break;
        }

        return tensor;
    }
}
