using WebDiffusion.Core.Imaging.Resize;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// One generation request with A1111's parameters and defaults (UI defaults: DPM++ 2M, 20 steps, CFG 7, 512×512).
/// Immutable; images are PNG bytes (the API layer decodes base64 and converts).
/// </summary>
public sealed record GenerationRequest
{
    /// <summary>txt2img or img2img.</summary>
    public GenerationMode Mode { get; init; } = GenerationMode.Txt2Img;

    /// <summary>The prompt, in A1111 syntax.</summary>
    public string Prompt { get; init; } = string.Empty;

    /// <summary>The negative prompt.</summary>
    public string NegativePrompt { get; init; } = string.Empty;

    /// <summary>Sampler UI name or alias.</summary>
    public string SamplerName { get; init; } = "DPM++ 2M";

    /// <summary>Schedule type label or name ("Automatic" = the sampler's default).</summary>
    public string Scheduler { get; init; } = "Automatic";

    /// <summary>Sampling steps.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>Classifier-free guidance scale.</summary>
    public double CfgScale { get; init; } = 7.0;

    /// <summary>Output width in pixels (multiple of 8).</summary>
    public int Width { get; init; } = 512;

    /// <summary>Output height in pixels (multiple of 8).</summary>
    public int Height { get; init; } = 512;

    /// <summary>Seed; -1 = random.</summary>
    public long Seed { get; init; } = -1;

    /// <summary>Variation seed; -1 = random.</summary>
    public long Subseed { get; init; } = -1;

    /// <summary>Variation strength 0..1.</summary>
    public double SubseedStrength { get; init; }

    /// <summary>"Resize seed from" width; ≤ 0 = off.</summary>
    public int SeedResizeFromW { get; init; } = -1;

    /// <summary>"Resize seed from" height; ≤ 0 = off.</summary>
    public int SeedResizeFromH { get; init; } = -1;

    /// <summary>Images per batch (one model run).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Batch count (number of batches).</summary>
    public int BatchCount { get; init; } = 1;

    /// <summary>CLIP skip (1 = last layer); null = the stored <c>CLIP_stop_at_last_layers</c> option (<see cref="GenerationContext.TextOptions"/>).</summary>
    public int? ClipSkip { get; init; }

    /// <summary>Eta for ancestral/DDIM samplers; null = the sampler's default.</summary>
    public double? Eta { get; init; }

    /// <summary>A1111 request field <c>s_churn</c>; null = the <c>s_churn</c> option.</summary>
    public double? SChurn { get; init; }

    /// <summary>A1111 request field <c>s_tmin</c>; null = the <c>s_tmin</c> option.</summary>
    public double? STmin { get; init; }

    /// <summary>A1111 request field <c>s_tmax</c> (0 = ∞); null = the <c>s_tmax</c> option.</summary>
    public double? STmax { get; init; }

    /// <summary>A1111 request field <c>s_noise</c>; null = the <c>s_noise</c> option.</summary>
    public double? SNoise { get; init; }

    /// <summary>Denoising strength (img2img and the hires pass).</summary>
    public double DenoisingStrength { get; init; } = 0.75;

    /// <summary>
    /// A1111's img2img <c>initial_noise_multiplier</c>: the initial noise is multiplied by it before sampling (img2img only);
    /// null = the <c>initial_noise_multiplier</c> option (<see cref="SamplerSettings.InitialNoiseMultiplier"/>).
    /// </summary>
    public double? InitialNoiseMultiplier { get; init; }

    /// <summary>How an init image is fitted to the output size.</summary>
    public ResizeMode ResizeMode { get; init; } = ResizeMode.JustResize;

    /// <summary>Init images (PNG bytes), img2img only.</summary>
    public IReadOnlyList<byte[]> InitImages { get; init; } = [];

    /// <summary>Inpainting mask (PNG bytes; white = repaint), or null.</summary>
    public byte[]? Mask { get; init; }

    /// <summary>Mask blur radius in pixels.</summary>
    public int MaskBlur { get; init; } = 4;

    /// <summary>Repaint the unmasked area instead ("Inpaint not masked").</summary>
    public bool InpaintingMaskInvert { get; init; }

    /// <summary>Masked content.</summary>
    public InpaintingFill InpaintingFill { get; init; } = InpaintingFill.Original;

    /// <summary>Inpaint area "Only masked".</summary>
    public bool InpaintFullRes { get; init; }

    /// <summary>Only-masked padding in pixels.</summary>
    public int InpaintFullResPadding { get; init; } = 32;

    /// <summary>Hires. fix on (txt2img).</summary>
    public bool EnableHr { get; init; }

    /// <summary>Hires upscale factor (used when both resize fields are 0).</summary>
    public double HrScale { get; init; } = 2.0;

    /// <summary>Hires upscaler name ("Latent" variants or an image upscaler).</summary>
    public string HrUpscaler { get; init; } = "Latent";

    /// <summary>Hires steps; 0 = same as sampling steps.</summary>
    public int HrSecondPassSteps { get; init; }

    /// <summary>Hires target width; 0 = from the scale.</summary>
    public int HrResizeX { get; init; }

    /// <summary>Hires target height; 0 = from the scale.</summary>
    public int HrResizeY { get; init; }

    /// <summary>Hires denoising strength.</summary>
    public double HrDenoisingStrength { get; init; } = 0.7;

    /// <summary>Hires prompt; empty = same as the first pass.</summary>
    public string HrPrompt { get; init; } = string.Empty;

    /// <summary>Hires negative prompt; empty = same as the first pass.</summary>
    public string HrNegativePrompt { get; init; } = string.Empty;

    /// <summary>Hires sampler; null = same as the first pass.</summary>
    public string? HrSamplerName { get; init; }

    /// <summary>Hires schedule type (A1111's <c>hr_scheduler</c>); null, empty or "Use same scheduler" = the first pass's.</summary>
    public string? HrScheduler { get; init; }

    /// <summary>The hires pass's schedule type: <see cref="HrScheduler"/> when it names one, else <paramref name="firstPass"/>.</summary>
    public Sampling.Schedules.ScheduleType HiresScheduleType(Sampling.Schedules.ScheduleType firstPass) =>
        HrScheduler is { Length: > 0 } name && name != SameHiresScheduler ? Sampling.Schedules.SchedulerCatalog.Find(name).Type : firstPass;

    /// <summary>A1111's UI value for "the first pass's schedule" in <c>hr_scheduler</c>.</summary>
    public const string SameHiresScheduler = "Use same scheduler";

    /// <summary>Seamless tiling (not implemented yet: rejected by validation).</summary>
    public bool Tiling { get; init; }

    /// <summary>Checkpoint name; null = the current model.</summary>
    public string? Model { get; init; }

    /// <summary>A1111 <c>override_settings</c> (only keys we understand are applied).</summary>
    public IReadOnlyDictionary<string, string> OverrideSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Total number of images this request produces.</summary>
    public int ImageCount => BatchSize * BatchCount;
}
