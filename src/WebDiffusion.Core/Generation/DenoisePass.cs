using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Sampling.Samplers;
using WebDiffusion.Core.Text.Conditioning;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// One sampling pass over a batch of latents, as the first pass and the hires pass both run it: a CFG denoiser over the
/// unet, the sampler from pure noise (txt2img) or from <see cref="InitLatent"/> at <see cref="DenoisingStrength"/>, and the
/// inpainting latent blend at the end.
/// </summary>
internal sealed record DenoisePass
{
    /// <summary>The sampler.</summary>
    public required ISampler Sampler { get; init; }

    /// <summary>Its resolved schedule and parameters.</summary>
    public required SamplingSetup Setup { get; init; }

    /// <summary>One image's latent shape.</summary>
    public required LatentShape Shape { get; init; }

    /// <summary>The batch's seeds (one per image).</summary>
    public required long[] Seeds { get; init; }

    /// <summary>Positive conditionings (AND-composed prompts).</summary>
    public required IReadOnlyList<WeightedConditioning> Cond { get; init; }

    /// <summary>Negative conditioning, or null without CFG.</summary>
    public required ConditioningSchedule? Uncond { get; init; }

    /// <summary>CFG scale.</summary>
    public required double CfgScale { get; init; }

    /// <summary>Sampling steps.</summary>
    public required int Steps { get; init; }

    /// <summary>The batch's noise (initial and ancestral).</summary>
    public required ImageNoise Noise { get; init; }

    /// <summary>Receives the steps.</summary>
    public required StepReporter Progress { get; init; }

    /// <summary>Init/mask/extra-channel conditioning, or null.</summary>
    public ImageConditioning? Image { get; init; }

    /// <summary>The latent to start from (img2img, hires), or empty for pure noise.</summary>
    public ReadOnlyMemory<float> InitLatent { get; init; }

    /// <summary>How much of <see cref="InitLatent"/> is re-noised (1 for txt2img).</summary>
    public double DenoisingStrength { get; init; } = 1.0;

    /// <summary>A1111's img2img_fix_steps: run all steps over the shortened schedule.</summary>
    public bool FixSteps { get; init; }

    /// <summary>A1111's initial_noise_multiplier: the initial noise (not the ancestral noise) is scaled by it (img2img).</summary>
    public double NoiseMultiplier { get; init; } = 1.0;

    /// <summary>Samples the batch; returns its latents (blended with the init latent outside the mask when inpainting).</summary>
    public async Task<float[]> RunAsync(GenerationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var batch = Seeds.Length;
        var noiseBuffer = new float[batch * Shape.Count];
        Noise.First(noiseBuffer);
        if (NoiseMultiplier != 1.0)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(noiseBuffer, (float)NoiseMultiplier, noiseBuffer);
        }
        var output = new float[batch * Shape.Count];
        var model = context.Model;
        var denoiser = new GuidedDenoiser(model.UNet, context.Schedule, model.Description.PredictionType, Shape, batch, Cond, Uncond, CfgScale, Image);
        var job = new SamplingJob
        {
            Denoiser = denoiser,
            Model = context.Schedule,
            Steps = Steps,
            Noise = noiseBuffer,
            Output = output,
            Seeds = Seeds,
            InitLatent = InitLatent,
            DenoisingStrength = DenoisingStrength,
            Img2ImgFixSteps = FixSteps,
            Schedule = Setup.Schedule,
            Parameters = Setup.Parameters,
            AncestralNoise = Noise,
            Progress = Progress,
        };
        await Sampler.SampleAsync(job, cancellationToken).ConfigureAwait(false);
        Progress.Finish();
        if (Image is { BlendsLatents: true })
        {
            GuidedDenoiser.Blend(output, Image.InitLatent.Span, Image.LatentMask.Span, batch, Shape);
        }

        return output;
    }
}
