using System.Globalization;
using System.Text.Json;
using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Imaging.Resize;
using WebDiffusion.Core.Models;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Api;

/// <summary>
/// Reads a txt2img/img2img body with A1111's field names into a <see cref="GenerationRequest"/>, collecting every
/// problem (wrong types, out-of-range values, NaN, unknown sampler, unusable images, refused override settings, unknown
/// checkpoint) as field → messages instead of stopping at the first.
/// </summary>
/// <param name="limits">The request limits.</param>
/// <param name="isKnownSampler">Whether a sampler name runs here.</param>
/// <param name="isKnownScheduler">Whether a schedule type name runs here.</param>
/// <param name="resolveCheckpoint">Registry name of a checkpoint given by name, title or hash, or null when unknown; null to skip the check.</param>
/// <param name="checkImages">Decode and check uploaded images (at submission; a stored request was checked then).</param>
/// <param name="latentOf">The latent format of the checkpoint a request runs on (by registry name, null = the selected one); SD's when null.</param>
/// <param name="isKnownVae">Whether an <c>sd_vae</c> value can be applied; null accepts only "Automatic" and "None".</param>
/// <param name="currentCheckpoint">Registry name of the checkpoint a job naming none runs on, or null when unknown.</param>
public sealed class A1111RequestReader(
    GenerationLimits limits, Func<string, bool> isKnownSampler, Func<string, bool> isKnownScheduler, Func<string, string?>? resolveCheckpoint = null, bool checkImages = true,
    Func<string?, LatentFormat>? latentOf = null, Func<string, bool>? isKnownVae = null, Func<string?>? currentCheckpoint = null)
{
    /// <summary>Fields we read; anything else is reported by <see cref="UnknownFields"/>.</summary>
    public static readonly IReadOnlySet<string> KnownFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "mode", "prompt", "negative_prompt", "sampler_name", "sampler_index", "scheduler", "steps", "cfg_scale", "width", "height",
        "seed", "subseed", "subseed_strength", "seed_resize_from_w", "seed_resize_from_h", "batch_size", "n_iter", "clip_skip", "eta",
        "denoising_strength", "resize_mode", "init_images", "mask", "mask_blur", "mask_blur_x", "mask_blur_y", "inpainting_mask_invert",
        "inpainting_fill", "inpaint_full_res", "inpaint_full_res_padding", "enable_hr", "hr_scale", "hr_upscaler", "hr_second_pass_steps",
        "hr_resize_x", "hr_resize_y", "hr_prompt", "hr_negative_prompt", "hr_sampler_name", "hr_denoising_strength", "tiling", "model",
        "override_settings", "override_settings_restore_afterwards", "send_images", "save_images", "styles", "restore_faces",
        "include_init_images", "image_cfg_scale", "do_not_save_samples", "do_not_save_grid", "alwayson_scripts", "script_args", "script_name",
        "s_churn", "s_tmin", "s_tmax", "s_noise", "s_min_uncond", "initial_noise_multiplier", "hr_scheduler", "hr_checkpoint_name",
    };

    /// <summary>Result of reading: the request when valid, else the errors.</summary>
    public sealed record Result(GenerationRequest? Request, IReadOnlyDictionary<string, string[]> Errors)
    {
        public bool IsValid => Request is not null && Errors.Count == 0;
    }

    /// <summary>Top-level fields of <paramref name="body"/> that we do not understand.</summary>
    public static IReadOnlyList<string> UnknownFields(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object ? [.. body.EnumerateObject().Select(p => p.Name).Where(n => !KnownFields.Contains(n))] : [];

    public Result Read(JsonElement body, GenerationMode mode, GenerationRequest defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new Result(null, new Dictionary<string, string[]> { ["body"] = ["The request body must be a JSON object."] });
        }

        var r = new FieldReader(body, errors, checkImages ? bytes => UploadedImageCheck.Problem(bytes, limits.MaxUploadSide) : null);
        var request = defaults with
        {
            Mode = mode,
            Prompt = r.String("prompt") ?? defaults.Prompt,
            NegativePrompt = r.String("negative_prompt") ?? defaults.NegativePrompt,
            SamplerName = r.String("sampler_name") ?? r.String("sampler_index") ?? defaults.SamplerName,
            Scheduler = r.String("scheduler") ?? defaults.Scheduler,
            Steps = r.Int("steps") ?? defaults.Steps,
            CfgScale = r.Double("cfg_scale") ?? defaults.CfgScale,
            Width = r.Int("width") ?? defaults.Width,
            Height = r.Int("height") ?? defaults.Height,
            Seed = r.Long("seed") ?? defaults.Seed,
            Subseed = r.Long("subseed") ?? defaults.Subseed,
            SubseedStrength = r.Double("subseed_strength") ?? defaults.SubseedStrength,
            SeedResizeFromW = r.Int("seed_resize_from_w") ?? defaults.SeedResizeFromW,
            SeedResizeFromH = r.Int("seed_resize_from_h") ?? defaults.SeedResizeFromH,
            BatchSize = r.Int("batch_size") ?? defaults.BatchSize,
            BatchCount = r.Int("n_iter") ?? defaults.BatchCount,
            ClipSkip = r.Int("clip_skip") ?? defaults.ClipSkip,
            Eta = r.Double("eta") ?? defaults.Eta,
            SChurn = r.Double("s_churn") ?? defaults.SChurn,
            STmin = r.Double("s_tmin") ?? defaults.STmin,
            STmax = r.Double("s_tmax") ?? defaults.STmax,
            SNoise = r.Double("s_noise") ?? defaults.SNoise,
            DenoisingStrength = r.Double("denoising_strength") ?? defaults.DenoisingStrength,
            ResizeMode = (ResizeMode)(r.Int("resize_mode") ?? (int)defaults.ResizeMode),
            InitImages = r.Images("init_images") ?? defaults.InitImages,
            Mask = r.Image("mask") ?? defaults.Mask,
            MaskBlur = r.Int("mask_blur") ?? defaults.MaskBlur,
            InpaintingMaskInvert = r.Bool("inpainting_mask_invert") ?? defaults.InpaintingMaskInvert, // A1111 sends 0/1 or false/true
            InpaintingFill = (InpaintingFill)(r.Int("inpainting_fill") ?? (int)defaults.InpaintingFill),
            InpaintFullRes = r.Bool("inpaint_full_res") ?? defaults.InpaintFullRes,
            InpaintFullResPadding = r.Int("inpaint_full_res_padding") ?? defaults.InpaintFullResPadding,
            EnableHr = r.Bool("enable_hr") ?? defaults.EnableHr,
            HrScale = r.Double("hr_scale") ?? defaults.HrScale,
            HrUpscaler = r.String("hr_upscaler") ?? defaults.HrUpscaler,
            HrSecondPassSteps = r.Int("hr_second_pass_steps") ?? defaults.HrSecondPassSteps,
            HrResizeX = r.Int("hr_resize_x") ?? defaults.HrResizeX,
            HrResizeY = r.Int("hr_resize_y") ?? defaults.HrResizeY,
            HrPrompt = r.String("hr_prompt") ?? defaults.HrPrompt,
            HrNegativePrompt = r.String("hr_negative_prompt") ?? defaults.HrNegativePrompt,
            HrSamplerName = r.String("hr_sampler_name") ?? defaults.HrSamplerName,
            HrScheduler = r.String("hr_scheduler") ?? defaults.HrScheduler,
            InitialNoiseMultiplier = r.Double("initial_noise_multiplier") ?? defaults.InitialNoiseMultiplier,
            Tiling = r.Bool("tiling") ?? defaults.Tiling,
            Model = r.String("model") ?? defaults.Model,
            OverrideSettings = r.StringMap("override_settings") ?? defaults.OverrideSettings,
        };
        if (mode == GenerationMode.Txt2Img && request.EnableHr)
        {
            request = request with { HrDenoisingStrength = r.Double("hr_denoising_strength") ?? r.Double("denoising_strength") ?? defaults.HrDenoisingStrength };
        }

        if (request.OverrideSettings.TryGetValue("CLIP_stop_at_last_layers", out var clip) && int.TryParse(clip, NumberStyles.Integer, CultureInfo.InvariantCulture, out var clipSkip))
        {
            request = request with { ClipSkip = clipSkip };
        }

        foreach (var problem in OverrideSettingsPolicy.Problems(request.OverrideSettings))
        {
            AddError(errors, "override_settings", problem);
        }

        if (request.OverrideSettings.TryGetValue(OverrideSettingsPolicy.VaeKey, out var vae)
            && !(isKnownVae ?? (v => v is "Automatic" or "None"))(vae.Trim()))
        {
            AddError(errors, "override_settings", $"override_settings.sd_vae '{vae}' is not a VAE file in models/VAE; GET /sdapi/v1/sd-vae lists them (or send \"Automatic\" or \"None\").");
        }

        request = request with { Model = ResolveCheckpoint(request, errors) };
        CheckHiresCheckpoint(r.String("hr_checkpoint_name"), request, errors);
        request = ApplyOverrides(request, r.Double("s_min_uncond"), errors);
        Validate(request, errors);
        var frozen = errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
        return new Result(frozen.Count == 0 ? request : null, frozen);
    }

    private static void AddError(Dictionary<string, List<string>> errors, string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>
    /// The checkpoint the job runs on: <c>override_settings.sd_model_checkpoint</c> or <c>model</c>, resolved to its
    /// registry name (stored with the job, so a resumed job runs on it too); null = the selected model at run time.
    /// </summary>
    private string? ResolveCheckpoint(GenerationRequest q, Dictionary<string, List<string>> errors)
    {
        var fromOverride = q.OverrideSettings.TryGetValue(OverrideSettingsPolicy.CheckpointKey, out var o) && !string.IsNullOrWhiteSpace(o) ? o : null;
        var fromModel = string.IsNullOrWhiteSpace(q.Model) ? null : q.Model;
        if (resolveCheckpoint is null || (fromOverride is null && fromModel is null))
        {
            return fromOverride ?? fromModel;
        }

        string? Resolve(string value, string field, string label)
        {
            var name = resolveCheckpoint(value);
            if (name is null)
            {
                AddError(errors, field, $"{label} '{value}' is not a known checkpoint; GET /sdapi/v1/sd-models lists them (by title, model_name or hash).");
            }

            return name;
        }

        var overrideName = fromOverride is null ? null : Resolve(fromOverride, "override_settings", "override_settings.sd_model_checkpoint");
        var modelName = fromModel is null ? null : Resolve(fromModel, "model", "model");
        if (overrideName is not null && modelName is not null && overrideName != modelName)
        {
            AddError(errors, "model", $"model '{fromModel}' and override_settings.sd_model_checkpoint '{fromOverride}' name different checkpoints; send one.");
        }

        return overrideName ?? modelName;
    }

    /// <summary>
    /// A1111's <c>hr_checkpoint_name</c> (a hires pass on another checkpoint) is not done here: refused by name unless it is
    /// empty, "Use same checkpoint" or the checkpoint the job runs on anyway.
    /// </summary>
    private void CheckHiresCheckpoint(string? hrCheckpoint, GenerationRequest request, Dictionary<string, List<string>> errors)
    {
        if (string.IsNullOrWhiteSpace(hrCheckpoint) || hrCheckpoint == SameHiresCheckpoint || request.Mode != GenerationMode.Txt2Img || !request.EnableHr)
        {
            return;
        }

        var resolved = resolveCheckpoint?.Invoke(hrCheckpoint);
        var jobCheckpoint = request.Model ?? currentCheckpoint?.Invoke();
        if (resolved is not null && resolved == jobCheckpoint)
        {
            return;
        }

        AddError(errors, "hr_checkpoint_name",
            $"hr_checkpoint_name '{hrCheckpoint}': a hires pass on another checkpoint is not supported; leave it out (or send \"{SameHiresCheckpoint}\") to run the hires pass on the job's checkpoint.");
    }

    /// <summary>A1111's UI value for "the first pass's checkpoint" in <c>hr_checkpoint_name</c>.</summary>
    public const string SameHiresCheckpoint = "Use same checkpoint";

    /// <summary>
    /// Checks the override_settings we know (type, range, unsupported options) and folds the ones that are also request
    /// fields (s_churn, s_tmin, s_tmax, s_noise) into the request: an override wins over the field, like in A1111.
    /// </summary>
    private static GenerationRequest ApplyOverrides(GenerationRequest request, double? sMinUncond, Dictionary<string, List<string>> errors)
    {
        if (sMinUncond is { } ngms && ngms != 0)
        {
            AddError(errors, "s_min_uncond", "s_min_uncond (NGMS) is not implemented; send 0 or leave it out.");
        }

        double? Override(string key, double? field)
        {
            if (!request.OverrideSettings.TryGetValue(key, out var text))
            {
                return field;
            }

            var (value, _) = SdApiOptionCatalog.Options[key].CheckText(key, text);
            return value is null ? field : double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        foreach (var (key, text) in request.OverrideSettings)
        {
            if (SdApiOptionCatalog.Options.TryGetValue(key, out var option) && option.CheckText(key, text).Error is { } error)
            {
                AddError(errors, "override_settings", error);
            }
        }

        return request with
        {
            SChurn = Override("s_churn", request.SChurn),
            STmin = Override("s_tmin", request.STmin),
            STmax = Override("s_tmax", request.STmax),
            SNoise = Override("s_noise", request.SNoise),
        };
    }

    /// <summary>A latent upscale mode or one of our upscalers (the names the hires pass takes).</summary>
    public static bool IsKnownHiresUpscaler(string name) =>
        LatentResampler.FromUpscalerName(name) is not null || SdApiCatalogEndpoints.Upscalers.Contains(name, StringComparer.Ordinal);

    private void Validate(GenerationRequest q, Dictionary<string, List<string>> errors)
    {
        void Add(string field, string message) => AddError(errors, field, message);

        if (q.Prompt.Length > limits.MaxPromptChars)
        {
            Add("prompt", $"The prompt has {q.Prompt.Length} characters; the limit (MaxPromptChars) is {limits.MaxPromptChars}.");
        }

        if (q.NegativePrompt.Length > limits.MaxPromptChars)
        {
            Add("negative_prompt", $"The negative prompt has {q.NegativePrompt.Length} characters; the limit (MaxPromptChars) is {limits.MaxPromptChars}.");
        }

        // Every text field is bounded like the prompt (a 16 MiB hr_prompt once took the server to 19 GB).
        foreach (var (field, text) in new[] { ("hr_prompt", q.HrPrompt), ("hr_negative_prompt", q.HrNegativePrompt) })
        {
            if (text.Length > limits.MaxPromptChars)
            {
                Add(field, $"{field} has {text.Length} characters; the limit (MaxPromptChars) is {limits.MaxPromptChars}.");
            }
        }

        foreach (var (key, value) in q.OverrideSettings)
        {
            if (key.Length > 256 || value.Length > limits.MaxPromptChars)
            {
                Add("override_settings", $"override_settings key '{LogText.Escape(key)}' or its value is too long (keys up to 256 characters, values up to MaxPromptChars = {limits.MaxPromptChars}).");
            }
        }

        // Sizes follow the checkpoint's VAE: SD's factor 8 gives "at least 64, a multiple of 8".
        var latent = latentOf?.Invoke(q.Model) ?? LatentFormat.StableDiffusion;
        var f = latent.ScaleFactor;
        foreach (var (field, value) in new[] { ("width", q.Width), ("height", q.Height) })
        {
            if (value < latent.MinimumSide || value > limits.MaxSide)
            {
                Add(field, $"{field} must be between {latent.MinimumSide} and {limits.MaxSide} (MaxSide); got {value}.");
            }
            else if (value % f != 0)
            {
                Add(field, $"{field} must be a multiple of {f}; got {value} (try {latent.Floor(value)} or {latent.Floor(value) + f}).");
            }
        }

        if ((long)q.Width * q.Height * q.BatchSize > limits.MaxPixelsPerBatch)
        {
            Add("batch_size", $"width × height × batch_size = {(long)q.Width * q.Height * q.BatchSize} exceeds the limit (MaxPixelsPerBatch) of {limits.MaxPixelsPerBatch}.");
        }

        if (q.Steps < 1 || q.Steps > limits.MaxSteps)
        {
            Add("steps", $"steps must be between 1 and {limits.MaxSteps} (MaxSteps); got {q.Steps}.");
        }

        if (!double.IsFinite(q.CfgScale) || q.CfgScale < 0 || q.CfgScale > 100)
        {
            Add("cfg_scale", $"cfg_scale must be a number between 0 and 100; got {q.CfgScale.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (q.BatchSize < 1 || q.BatchSize > limits.MaxBatchSize)
        {
            Add("batch_size", $"batch_size must be between 1 and {limits.MaxBatchSize} (MaxBatchSize); got {q.BatchSize}.");
        }

        if (q.BatchCount < 1 || q.BatchCount > limits.MaxBatchCount)
        {
            Add("n_iter", $"n_iter must be between 1 and {limits.MaxBatchCount} (MaxBatchCount); got {q.BatchCount}.");
        }

        foreach (var (field, value) in new[] { ("seed", q.Seed), ("subseed", q.Subseed) })
        {
            if (value < -1)
            {
                Add(field, $"{field} must be -1 (random) or a whole number ≥ 0; got {value}.");
            }
        }

        if (!double.IsFinite(q.SubseedStrength) || q.SubseedStrength < 0 || q.SubseedStrength > 1)
        {
            Add("subseed_strength", "subseed_strength must be between 0 and 1.");
        }

        if (!double.IsFinite(q.DenoisingStrength) || q.DenoisingStrength < 0 || q.DenoisingStrength > 1)
        {
            Add("denoising_strength", "denoising_strength must be between 0 and 1.");
        }

        if (q.Eta is { } eta && (!double.IsFinite(eta) || eta < 0 || eta > 10))
        {
            Add("eta", "eta must be a finite number between 0 and 10.");
        }

        foreach (var (field, value, max) in new[] { ("s_churn", q.SChurn, 100.0), ("s_tmin", q.STmin, 10.0), ("s_tmax", q.STmax, 999.0), ("s_noise", q.SNoise, 1.1) })
        {
            if (value is { } v && (!double.IsFinite(v) || v < 0 || v > max))
            {
                Add(field, string.Create(CultureInfo.InvariantCulture, $"{field} must be a number between 0 and {max} (A1111's range); got {v}."));
            }
        }

        if (q.ClipSkip < 1 || q.ClipSkip > 12)
        {
            Add("clip_skip", $"clip_skip must be between 1 and 12; got {q.ClipSkip}.");
        }

        if (!isKnownSampler(q.SamplerName))
        {
            Add("sampler_name", $"Unknown sampler '{q.SamplerName}'. GET /sdapi/v1/samplers lists the available ones.");
        }

        if (q.HrSamplerName is { Length: > 0 } hrSampler && !isKnownSampler(hrSampler))
        {
            Add("hr_sampler_name", $"Unknown sampler '{hrSampler}'.");
        }

        if (q.HrScheduler is { Length: > 0 } hrScheduler && hrScheduler != GenerationRequest.SameHiresScheduler && !isKnownScheduler(hrScheduler))
        {
            Add("hr_scheduler", $"Unknown schedule type '{hrScheduler}' for the hires pass. GET /sdapi/v1/schedulers lists the available ones (or send \"{GenerationRequest.SameHiresScheduler}\").");
        }

        if (q.InitialNoiseMultiplier is { } noiseMultiplier && (!double.IsFinite(noiseMultiplier) || noiseMultiplier < 0 || noiseMultiplier > 1.5))
        {
            Add("initial_noise_multiplier", string.Create(CultureInfo.InvariantCulture, $"initial_noise_multiplier must be between 0 and 1.5 (A1111's range); got {noiseMultiplier}."));
        }

        if (!isKnownScheduler(q.Scheduler))
        {
            Add("scheduler", $"Unknown schedule type '{q.Scheduler}'. GET /sdapi/v1/schedulers lists the available ones.");
        }

        if (q.Tiling)
        {
            Add("tiling", "Seamless tiling is not implemented yet; send tiling: false.");
        }

        if (!Enum.IsDefined(q.ResizeMode))
        {
            Add("resize_mode", "resize_mode must be 0 (just resize), 1 (crop and resize), 2 (resize and fill) or 3 (latent upscale).");
        }

        if (!Enum.IsDefined(q.InpaintingFill))
        {
            Add("inpainting_fill", "inpainting_fill must be 0 (fill), 1 (original), 2 (latent noise) or 3 (latent nothing).");
        }

        if (q.MaskBlur < 0 || q.MaskBlur > 64)
        {
            Add("mask_blur", "mask_blur must be between 0 and 64.");
        }

        if (q.InpaintFullResPadding < 0 || q.InpaintFullResPadding > 256)
        {
            Add("inpaint_full_res_padding", "inpaint_full_res_padding must be between 0 and 256.");
        }

        if (q.Mode == GenerationMode.Img2Img)
        {
            if (q.InitImages.Count == 0)
            {
                Add("init_images", "img2img needs at least one init image (init_images: [base64 PNG]).");
            }
            else if (q.InitImages.Count > q.BatchSize)
            {
                Add("init_images", $"{q.InitImages.Count} init images were sent but batch_size is {q.BatchSize}; send at most batch_size images.");
            }
        }
        else if (q.InitImages.Count > 0 || q.Mask is not null)
        {
            Add("init_images", "txt2img takes no init image or mask; use img2img.");
        }

        if (q.EnableHr)
        {
            // A1111 checks the name only when hires fix runs (clients send their stored choice with enable_hr false too).
            if (q.Mode == GenerationMode.Txt2Img && !IsKnownHiresUpscaler(q.HrUpscaler))
            {
                Add("hr_upscaler",
                    $"Unknown hr_upscaler '{q.HrUpscaler}'. Available here: {string.Join(", ", SdApiCatalogEndpoints.LatentUpscaleModes.Concat(SdApiCatalogEndpoints.Upscalers))} " +
                    "(GET /sdapi/v1/latent-upscale-modes and /sdapi/v1/upscalers).");
            }

            if (!double.IsFinite(q.HrScale) || q.HrScale < 1 || q.HrScale > 4)
            {
                Add("hr_scale", "hr_scale must be between 1 and 4.");
            }

            if (q.HrSecondPassSteps < 0 || q.HrSecondPassSteps > limits.MaxSteps)
            {
                Add("hr_second_pass_steps", $"hr_second_pass_steps must be between 0 and {limits.MaxSteps}.");
            }

            if (q.HrResizeX < 0 || q.HrResizeY < 0 || q.HrResizeX > limits.MaxSide || q.HrResizeY > limits.MaxSide)
            {
                Add("hr_resize_x", $"hr_resize_x/hr_resize_y must be between 0 and {limits.MaxSide}.");
            }

            var (tw, th) = StableDiffusionPipeline.HiresTarget(q, latent);
            if ((long)tw * th * q.BatchSize > limits.MaxPixelsPerBatch || tw > limits.MaxSide || th > limits.MaxSide)
            {
                Add("hr_scale", $"The hires target {tw}x{th} (× batch {q.BatchSize}) exceeds the limits MaxSide {limits.MaxSide} / MaxPixelsPerBatch {limits.MaxPixelsPerBatch}.");
            }
        }
    }
}
