using System.Diagnostics;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Sampling.Samplers;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// Turns one sampling pass's steps into throttled observer calls counted over the whole request: the pass covers
/// steps <c>offset + 1 … offset + passSteps</c> of <c>totalSteps</c>. A sampler whose own step count differs from the
/// plan (Restart, DPM fast, DPM adaptive) is scaled or clamped into the pass, so the count never goes back.
/// </summary>
internal sealed class StepReporter(
    IGenerationObserver observer, GenerationContext context, LatentShape shape, int firstIndex, int imageCount, int totalSteps, int offset, int passSteps)
    : ISamplerProgress
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastPreview;
    private int _done;
    private float _sigma;
    private float[]? _lastDenoised;

    /// <summary>The sampler's latest clean-latent estimate (whole batch), or null before the first step.</summary>
    public float[]? LastDenoised => _lastDenoised;

    public void OnStep(in SamplerStep step)
    {
        var within = step.Total > 0 ? (int)((long)(step.Step + 1) * passSteps / step.Total) : step.Step + 1;
        _done = Math.Max(_done, Math.Clamp(within, 0, passSteps));
        _sigma = step.Sigma;
        if (step.Denoised.Length > 0)
        {
            // Kept for A1111's interrupt/skip, which decode the last prediction instead of dropping the batch.
            _lastDenoised ??= new float[step.Denoised.Length];
            if (_lastDenoised.Length == step.Denoised.Length)
            {
                step.Denoised.CopyTo(_lastDenoised);
            }
        }

        RgbaImage? preview = null;
        var now = _clock.Elapsed;
        var last = _done >= passSteps;
        if (context.Previewer is { } previewer && (_lastPreview is null || now - _lastPreview.Value >= context.PreviewInterval || last) && step.Denoised.Length >= shape.Count)
        {
            _lastPreview = now;
            preview = new RgbaImage(shape.Width * previewer.Scale, shape.Height * previewer.Scale);
            previewer.Render(step.Denoised[..shape.Count], shape.Channels, shape.Height, shape.Width, preview);
        }

        observer.OnStep(new GenerationStep(offset + _done, totalSteps, firstIndex, imageCount, step.Sigma, preview));
    }

    /// <summary>After the pass: reports its end when the sampler stopped short of the plan (DPM adaptive).</summary>
    public void Finish()
    {
        if (_done < passSteps)
        {
            _done = passSteps;
            observer.OnStep(new GenerationStep(offset + passSteps, totalSteps, firstIndex, imageCount, _sigma, null));
        }
    }
}
