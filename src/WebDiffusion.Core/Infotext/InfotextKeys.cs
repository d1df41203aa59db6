namespace WebDiffusion.Core.Infotext;

/// <summary>The infotext labels A1111 writes, and the order it writes its fixed ones in.</summary>
public static class InfotextKeys
{
    /// <summary>"Steps".</summary>
    public const string Steps = "Steps";

    /// <summary>"Sampler".</summary>
    public const string Sampler = "Sampler";

    /// <summary>"Schedule type".</summary>
    public const string ScheduleType = "Schedule type";

    /// <summary>"CFG scale".</summary>
    public const string CfgScale = "CFG scale";

    /// <summary>"Seed".</summary>
    public const string Seed = "Seed";

    /// <summary>"Size" (WxH).</summary>
    public const string Size = "Size";

    /// <summary>"Model hash" (10-hex short sha256).</summary>
    public const string ModelHash = "Model hash";

    /// <summary>"Model" (checkpoint file stem).</summary>
    public const string Model = "Model";

    /// <summary>"VAE hash".</summary>
    public const string VaeHash = "VAE hash";

    /// <summary>"VAE".</summary>
    public const string Vae = "VAE";

    /// <summary>"Variation seed".</summary>
    public const string VariationSeed = "Variation seed";

    /// <summary>"Variation seed strength".</summary>
    public const string VariationSeedStrength = "Variation seed strength";

    /// <summary>"Seed resize from" (WxH).</summary>
    public const string SeedResizeFrom = "Seed resize from";

    /// <summary>"Denoising strength".</summary>
    public const string DenoisingStrength = "Denoising strength";

    /// <summary>"Clip skip" (written only when &gt; 1).</summary>
    public const string ClipSkip = "Clip skip";

    /// <summary>"Hires upscale".</summary>
    public const string HiresUpscale = "Hires upscale";

    /// <summary>"Hires resize" (WxH).</summary>
    public const string HiresResize = "Hires resize";

    /// <summary>"Hires steps".</summary>
    public const string HiresSteps = "Hires steps";

    /// <summary>"Hires upscaler".</summary>
    public const string HiresUpscaler = "Hires upscaler";

    /// <summary>"Lora hashes".</summary>
    public const string LoraHashes = "Lora hashes";

    /// <summary>"TI hashes".</summary>
    public const string TiHashes = "TI hashes";

    /// <summary>"Version".</summary>
    public const string Version = "Version";

    /// <summary>"User".</summary>
    public const string User = "User";

    /// <summary>
    /// A1111's fixed keys, in the order <c>create_infotext</c> writes them; any other key follows in insertion order,
    /// and <see cref="Version"/> then <see cref="User"/> come last.
    /// </summary>
    public static IReadOnlyList<string> StandardOrder { get; } =
    [
        Steps, Sampler, ScheduleType, CfgScale, "Image CFG scale", Seed, "Face restoration", Size, ModelHash, Model,
        "FP8 weight", "Cache FP16 weight for LoRA", VaeHash, Vae, VariationSeed, VariationSeedStrength, SeedResizeFrom,
        DenoisingStrength, "Conditional mask weight", ClipSkip, "ENSD", "Token merging ratio", "Token merging ratio hr",
        "Init image hash", "RNG", "Tiling",
    ];

    /// <summary>Keys written after every other key, in this order.</summary>
    public static IReadOnlyList<string> TrailingOrder { get; } = [Version, User];
}
