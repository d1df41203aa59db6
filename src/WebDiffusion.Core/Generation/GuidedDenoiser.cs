using System.Numerics.Tensors;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Sampling.Samplers;
using WebDiffusion.Core.Sampling.Schedules;
using WebDiffusion.Core.Text.Conditioning;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// k-diffusion's view of the UNet with classifier-free guidance: D(x, σ) for the whole batch. Scales the input by
/// c_in, maps σ to the model's timestep (log-σ interpolation), runs cond and uncond in one UNet call of batch 2n,
/// combines them with the CFG scale, and, when inpainting, blends the x0 prediction with the init latent outside the
/// mask (A1111's CFGDenoiser). Prompt-editing schedules advance with each denoiser call, as A1111 counts them.
/// All buffers are allocated once per run.
/// </summary>
public sealed class GuidedDenoiser : IDenoiser
{
    private readonly UNet _unet;
    private readonly DiscreteSchedule _schedule;
    private readonly PredictionType _prediction;
    private readonly LatentShape _shape;
    private readonly int _batch;
    private readonly IReadOnlyList<WeightedConditioning> _conds;
    private readonly ConditioningSchedule? _uncond;
    private readonly float _cfgScale;
    private readonly ImageConditioning? _image;
    private readonly int _copies;
    private readonly int _inChannels;
    private readonly int _tokens;
    private readonly float[] _unetIn;
    private readonly float[] _unetOut;
    private readonly float[] _context;
    private readonly float[] _guided;
    private readonly PromptConditioning?[] _last;

    /// <summary>Creates the denoiser for one batch and one prompt. All conditionings must have the same chunk count.</summary>
    public GuidedDenoiser(
        UNet unet,
        DiscreteSchedule schedule,
        PredictionType prediction,
        LatentShape shape,
        int batch,
        ConditioningSchedule cond,
        ConditioningSchedule? uncond,
        double cfgScale,
        ImageConditioning? image = null)
        : this(unet, schedule, prediction, shape, batch, [new WeightedConditioning(cond ?? throw new ArgumentNullException(nameof(cond)), 1.0)], uncond, cfgScale, image)
    {
    }

    /// <summary>
    /// Creates the denoiser for one batch with A1111's composable diffusion: several weighted prompts ("a AND b :0.5")
    /// combined as uncond + Σ wᵢ·cfg·(condᵢ − uncond). All conditionings must have the same chunk count.
    /// </summary>
    public GuidedDenoiser(
        UNet unet,
        DiscreteSchedule schedule,
        PredictionType prediction,
        LatentShape shape,
        int batch,
        IReadOnlyList<WeightedConditioning> conds,
        ConditioningSchedule? uncond,
        double cfgScale,
        ImageConditioning? image = null)
    {
        ArgumentNullException.ThrowIfNull(unet);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(conds);
        if (conds.Count == 0)
        {
            throw new ArgumentException("At least one conditioning is needed.", nameof(conds));
        }

        _unet = unet;
        _schedule = schedule;
        _prediction = prediction;
        _shape = shape;
        _batch = batch;
        _conds = conds;
        _cfgScale = (float)cfgScale;
        var plainPrompt = conds.Count == 1 && conds[0].Weight == 1.0;
        _uncond = cfgScale == 1.0 && plainPrompt ? null : uncond ?? throw new ArgumentNullException(nameof(uncond));
        _image = image;
        _copies = conds.Count + (_uncond is null ? 0 : 1);
        _inChannels = shape.Channels + (image?.ExtraChannelCount ?? 0);
        if (_inChannels != unet.InChannels)
        {
            throw new ArgumentException(
                unet.IsInpainting
                    ? $"This is an inpainting model ({unet.InChannels} input channels): it needs inpainting conditioning."
                    : $"The UNet takes {unet.InChannels} input channels but the request prepared {_inChannels}.");
        }

        var chunks = conds.SelectMany(c => c.Schedule.Entries).Concat(_uncond?.Entries ?? [])
            .Select(e => e.Conditioning.ChunkCount).Distinct().ToArray();
        if (chunks.Length != 1)
        {
            throw new ArgumentException("All conditionings of a batch must have the same chunk count; pad them first.");
        }

        _tokens = chunks[0] * PromptConditioning.TokensPerChunk;
        var plane = shape.Height * shape.Width;
        _unetIn = new float[_copies * batch * _inChannels * plane];
        _unetOut = new float[_copies * batch * shape.Channels * plane];
        _context = new float[_copies * batch * _tokens * unet.ContextSize];
        _guided = new float[batch * shape.Count];
        _last = new PromptConditioning?[_copies];
    }

    /// <summary>Number of denoiser calls so far (the prompt-schedule step).</summary>
    public int Calls { get; private set; }

    /// <inheritdoc />
    public ValueTask DenoiseAsync(ReadOnlyMemory<float> x, float sigma, Memory<float> denoised, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Denoise(x.Span, sigma, denoised.Span, cancellationToken);
        return ValueTask.CompletedTask;
    }

    private void Denoise(ReadOnlySpan<float> x, float sigma, Span<float> denoised, CancellationToken cancellationToken)
    {
        var step = Calls++;
        var per = _shape.Count;
        var plane = _shape.Height * _shape.Width;
        var (cSkip, cOut, cIn) = DenoiserScalings.Get(_prediction, sigma);
        UpdateContext(step);

        var extra = _image?.ExtraChannelCount ?? 0;
        var extraSpan = _image is null ? default : _image.ExtraChannels.Span;
        for (var copy = 0; copy < _copies; copy++)
        {
            for (var i = 0; i < _batch; i++)
            {
                var target = _unetIn.AsSpan(((copy * _batch) + i) * _inChannels * plane, _inChannels * plane);
                TensorPrimitives.Multiply(x.Slice(i * per, per), cIn, target[..per]);
                if (extra > 0)
                {
                    extraSpan.Slice(i * extra * plane, extra * plane).CopyTo(target[per..]);
                }
            }
        }

        var timestep = (float)_schedule.SigmaToT(sigma);
        _unet.Predict(_unetIn, _copies * _batch, _inChannels, _shape.Height, _shape.Width, timestep, _context, _tokens, _unetOut, cancellationToken);

        var total = _batch * per;
        ReadOnlySpan<float> guided = _unetOut.AsSpan(0, total);
        if (_uncond is not null)
        {
            // eps = uncond + Σ wᵢ·cfg·(condᵢ − uncond); the c_skip/c_out combination is affine in the model output.
            var uncondOut = _unetOut.AsSpan(_conds.Count * total, total);
            var sum = _guided.AsSpan();
            uncondOut.CopyTo(sum);
            for (var k = 0; k < _conds.Count; k++)
            {
                var condOut = _unetOut.AsSpan(k * total, total);
                TensorPrimitives.Subtract(condOut, uncondOut, condOut);
                TensorPrimitives.MultiplyAdd(condOut, (float)(_conds[k].Weight * _cfgScale), sum, sum);
            }

            guided = sum;
        }

        DenoiserScalings.Combine(_prediction, sigma, x, guided, denoised);
        if (_image is { BlendsLatents: true })
        {
            Blend(denoised, _image.InitLatent.Span, _image.LatentMask.Span, _batch, _shape);
        }
    }

    /// <summary>result = result·m + init·(1−m) per image, m broadcast over channels (1 = keep the model's result).</summary>
    internal static void Blend(Span<float> result, ReadOnlySpan<float> init, ReadOnlySpan<float> mask, int batch, LatentShape shape)
    {
        var plane = shape.Height * shape.Width;
        for (var i = 0; i < batch; i++)
        {
            var m = mask.Slice(i * plane, plane);
            for (var c = 0; c < shape.Channels; c++)
            {
                var offset = ((i * shape.Channels) + c) * plane;
                var r = result.Slice(offset, plane);
                var o = init.Slice(offset, plane);
                for (var p = 0; p < plane; p++)
                {
                    r[p] = o[p] + (m[p] * (r[p] - o[p]));
                }
            }
        }
    }

    private void UpdateContext(int step)
    {
        var rows = _tokens * _unet.ContextSize;
        for (var copy = 0; copy < _copies; copy++)
        {
            var conditioning = copy < _conds.Count ? _conds[copy].Schedule.ForStep(step) : _uncond!.ForStep(step);
            if (ReferenceEquals(conditioning, _last[copy]))
            {
                continue;
            }

            for (var i = 0; i < _batch; i++)
            {
                conditioning.Hidden.Span.CopyTo(_context.AsSpan(((copy * _batch) + i) * rows, rows));
            }

            _last[copy] = conditioning;
        }
    }
}
