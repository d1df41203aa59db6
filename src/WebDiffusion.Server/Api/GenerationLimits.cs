namespace WebDiffusion.Server.Api;

/// <summary>Request limits (section <c>WebDiffusion:Limits</c>); each error names the limit it hit.</summary>
public sealed class GenerationLimits
{
    public const string SectionName = "WebDiffusion:Limits";

    public int MaxSide { get; set; } = 2048;

    /// <summary>Most width × height × batch size in one run.</summary>
    public long MaxPixelsPerBatch { get; set; } = 2048L * 2048 * 2;

    public int MaxSteps { get; set; } = 150;

    public int MaxBatchSize { get; set; } = 8;

    public int MaxBatchCount { get; set; } = 100;

    public int MaxPromptChars { get; set; } = 32_000;

    /// <summary>Largest accepted request body in bytes (images are base64 inside it).</summary>
    public long MaxBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest uploaded image side, checked from the PNG header before decoding.</summary>
    public int MaxUploadSide { get; set; } = 8192;
}
