using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>Everything one sampling run needs. Buffers hold the whole batch (batch × C × H × W, contiguous per image).</summary>
public sealed class SamplingJob
{
    /// <summary>The model.</summary>
    public required IDenoiser Denoiser { get; init; }

    /// <summary>The model's discrete schedule (ᾱ, σ table).</summary>
    public DiscreteSchedule Model { get; init; } = DiscreteSchedule.StableDiffusion;

    /// <summary>Sampling steps as the user set them.</summary>
    public required int Steps { get; init; }

    /// <summary>The initial unit-normal noise (<see cref="ImageNoise.First"/>).</summary>
    public required ReadOnlyMemory<float> Noise { get; init; }

    /// <summary>Receives the final latent; may be the same memory as <see cref="Noise"/> or <see cref="InitLatent"/>.</summary>
    public required Memory<float> Output { get; init; }

    /// <summary>The seeds of the images in this batch (their count is the batch size; the Brownian noise uses them).</summary>
    public required IReadOnlyList<long> Seeds { get; init; }

    /// <summary>img2img: the encoded init latent; empty for txt2img.</summary>
    public ReadOnlyMemory<float> InitLatent { get; init; }

    /// <summary>img2img denoising strength in [0, 1].</summary>
    public double DenoisingStrength { get; init; } = 1.0;

    /// <summary>A1111 option <c>img2img_fix_steps</c> (also used by the hires pass).</summary>
    public bool Img2ImgFixSteps { get; init; }

    /// <summary>Schedule type and overrides.</summary>
    public ScheduleOptions Schedule { get; init; } = ScheduleOptions.Default;

    /// <summary>Eta, s_noise, churn and friends.</summary>
    public SamplerParameters Parameters { get; init; } = SamplerParameters.Default;

    /// <summary>
    /// Noise for ancestral steps (A1111: <c>ImageRNG.next()</c>); null = fresh torch-CPU generators per image from
    /// <see cref="Seeds"/>. Pass the <see cref="ImageNoise"/> that produced <see cref="Noise"/> to match A1111.
    /// </summary>
    public INoiseSampler? AncestralNoise { get; init; }

    /// <summary>Optional per-step callback.</summary>
    public ISamplerProgress? Progress { get; init; }

    /// <summary>Whether this is img2img.</summary>
    public bool IsImg2Img => !InitLatent.IsEmpty;
}
