using System.Text.Json;
using Microsoft.Extensions.Options;
using WebDiffusion.Core.Generation;

namespace WebDiffusion.Server.Api;

/// <summary>
/// Turns a stored or submitted JSON body into a validated <see cref="GenerationRequest"/>. The native API uses the
/// A1111 UI defaults (DPM++ 2M, 20 steps); /sdapi uses the A1111 API defaults (Euler, 50 steps).
/// </summary>
public sealed class JobRequestParser(IOptions<GenerationLimits> limits, ISamplerCatalog samplers, ICheckpointCatalog checkpoints)
{
    /// <summary>Defaults of A1111's HTTP API (StableDiffusionProcessing dataclass).</summary>
    public static readonly GenerationRequest ApiDefaults = new() { SamplerName = "Euler", Steps = 50, InpaintingFill = InpaintingFill.Fill, InpaintFullRes = true, InpaintFullResPadding = 0 };

    /// <summary>Defaults of A1111's UI.</summary>
    public static readonly GenerationRequest UiDefaults = new();

    /// <summary>Parses and validates a submitted body; uploaded images are decoded and checked too.</summary>
    public A1111RequestReader.Result Parse(JsonElement body, GenerationMode mode, GenerationProfile profile) => Parse(body, mode, profile, checkImages: true);

    /// <summary>Parses a job's stored request once per run (validated at submission; its images are decoded by the pipeline, not here).</summary>
    public GenerationRequest ParseStored(JsonElement request, GenerationMode mode, GenerationProfile profile)
    {
        var result = Parse(request, mode, profile, checkImages: false);
        return result.IsValid
            ? result.Request!
            : throw new ArgumentException("The stored request is no longer valid: " + string.Join("; ", result.Errors.SelectMany(e => e.Value)));
    }

    private A1111RequestReader.Result Parse(JsonElement body, GenerationMode mode, GenerationProfile profile, bool checkImages)
    {
        var reader = new A1111RequestReader(limits.Value, samplers.IsKnownSampler, samplers.IsKnownScheduler, checkpoints.Resolve, checkImages, checkpoints.Latent, checkpoints.IsKnownVae, checkpoints.Current);
        return reader.Read(body, mode, profile == GenerationProfile.A1111 ? ApiDefaults : UiDefaults);
    }
}
