using System.Globalization;
using System.Text.Json;
using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Models;

namespace WebDiffusion.Server.SdApi;

/// <summary>A1111's <c>info</c> JSON string (Processed.js()) for a finished run.</summary>
public static class SdApiInfo
{
    public static string Create(GenerationRequest request, GenerationResult result, ModelDescription model)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(model);
        var count = result.AllSeeds.Count;
        var info = new Dictionary<string, object?>
        {
            ["prompt"] = result.Prompt,
            ["all_prompts"] = Enumerable.Repeat(result.Prompt, count).ToArray(),
            ["negative_prompt"] = result.NegativePrompt,
            ["all_negative_prompts"] = Enumerable.Repeat(result.NegativePrompt, count).ToArray(),
            ["seed"] = result.Seed,
            ["all_seeds"] = result.AllSeeds,
            ["subseed"] = result.Subseed,
            ["all_subseeds"] = result.AllSubseeds,
            ["subseed_strength"] = request.SubseedStrength,
            ["width"] = request.Width,
            ["height"] = request.Height,
            ["sampler_name"] = result.SamplerName,
            ["cfg_scale"] = request.CfgScale,
            ["steps"] = request.Steps,
            ["batch_size"] = request.BatchSize,
            ["restore_faces"] = false,
            ["face_restoration_model"] = null,
            ["sd_model_name"] = model.Name,
            ["sd_model_hash"] = model.Hash,
            ["sd_vae_name"] = null,
            ["sd_vae_hash"] = null,
            ["seed_resize_from_w"] = request.SeedResizeFromW,
            ["seed_resize_from_h"] = request.SeedResizeFromH,
            ["denoising_strength"] = request.Mode == GenerationMode.Img2Img ? request.DenoisingStrength : request.EnableHr ? request.HrDenoisingStrength : null,
            ["extra_generation_params"] = new Dictionary<string, object?> { ["Schedule type"] = result.SchedulerLabel },
            ["index_of_first_image"] = 0,
            ["infotexts"] = result.Infotexts,
            ["styles"] = Array.Empty<string>(),
            ["job_timestamp"] = DateTime.Now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture),
            ["clip_skip"] = request.ClipSkip,
            ["is_using_inpainting_conditioning"] = result.IsUsingInpaintingConditioning,
            ["comments"] = string.Concat(result.Comments.Select(c => c + "\n")),
            ["version"] = typeof(SdApiInfo).Assembly.GetName().Version?.ToString(3),
        };
        return JsonSerializer.Serialize(info);
    }
}
