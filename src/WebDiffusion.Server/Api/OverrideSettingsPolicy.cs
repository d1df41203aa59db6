using System.Globalization;

namespace WebDiffusion.Server.Api;

/// <summary>
/// What a request's <c>override_settings</c> may hold. A key is applied (the job runs with it), accepted (it cannot change
/// the pixels, or another part of the pipeline reads it), refused (A1111 would change the result with it and we do
/// not apply it: a silent difference, so the request is refused naming the key), or unknown (accepted and logged).
/// </summary>
public static class OverrideSettingsPolicy
{
    /// <summary>The checkpoint to run this job on (name, title or short hash as <c>/sdapi/v1/sd-models</c> lists them).</summary>
    public const string CheckpointKey = "sd_model_checkpoint";

    /// <summary>Keys the job applies.</summary>
    public static readonly IReadOnlySet<string> Applied = new HashSet<string>(StringComparer.Ordinal)
    {
        CheckpointKey, "sd_vae", "CLIP_stop_at_last_layers", "randn_source", "eta_noise_seed_delta",
    };

    /// <summary>
    /// Sampler and text options (A1111's "Sampler parameters" and "Stable Diffusion" sections): accepted, because the
    /// samplers and the prompt encoder read them (wired on their own branches).
    /// </summary>
    public static readonly IReadOnlySet<string> SamplerAndTextOptions = new HashSet<string>(StringComparer.Ordinal)
    {
        "s_noise", "s_churn", "s_tmin", "s_tmax", "s_min_uncond", "eta_ancestral", "eta_ddim", "ddim_discretize",
        "sigma_min", "sigma_max", "rho", "k_sched_type", "always_discard_next_to_last_sigma", "sgm_noise_multiplier",
        "uni_pc_variant", "uni_pc_skip_type", "uni_pc_order", "uni_pc_lower_order_final", "sd_noise_schedule", "skip_early_cond",
        "beta_dist_alpha", "beta_dist_beta", "emphasis", "comma_padding_backtrack", "enable_emphasis", "use_old_emphasis_implementation",
        "initial_noise_multiplier",
    };

    /// <summary>Options that cannot change the generated pixels (saving, naming, previews, UI).</summary>
    public static readonly IReadOnlySet<string> Harmless = new HashSet<string>(StringComparer.Ordinal)
    {
        "samples_save", "samples_format", "samples_filename_pattern", "save_images_add_number", "grid_save", "grid_format",
        "grid_extended_filename", "grid_only_if_multiple", "grid_prevent_empty_spots", "n_rows", "return_grid", "enable_pnginfo",
        "save_txt", "save_images_before_face_restoration", "save_images_before_highres_fix", "save_images_before_color_correction",
        "save_mask", "save_mask_composite", "jpeg_quality", "webp_lossless", "export_for_4chan", "img_downscale_threshold",
        "target_side_length", "img_max_size_mp", "use_original_name_batch", "use_upscaler_name_as_suffix", "save_selected_only",
        "save_init_img", "outdir_samples", "outdir_txt2img_samples", "outdir_img2img_samples", "outdir_extras_samples", "outdir_grids",
        "outdir_txt2img_grids", "outdir_img2img_grids", "outdir_save", "outdir_init_images", "save_to_dirs", "grid_save_to_dirs",
        "directories_filename_pattern", "directories_max_prompt_words", "live_previews_enable", "live_previews_image_format",
        "show_progress_grid", "show_progress_every_n_steps", "show_progress_type", "live_preview_content", "live_preview_refresh_period",
        "return_mask", "return_mask_composite", "do_not_show_images", "add_model_hash_to_info", "add_model_name_to_info",
        "add_user_name_to_info", "add_version_to_infotext", "enable_quantization", "sd_checkpoint_cache", "sd_vae_checkpoint_cache",
        "sd_checkpoints_limit", "sd_checkpoints_keep_in_cpu", "memmon_poll_rate", "multiple_tqdm", "print_hypernet_extra",
        "list_hidden_files", "disable_mmap_load_safetensors", "hide_samplers", "sd_model_checkpoint_dropdown_use_short",
        "sd_vae_overrides_per_model_preferences", "auto_vae_precision", "auto_vae_precision_bfloat16", "notification_audio",
        "notification_volume", "samples_log_stdout", "dont_fix_second_order_samplers_schedule", "api_enable_requests",
        "api_forbid_local_requests", "api_useragent",
    };

    /// <summary>
    /// Options that change the result in A1111 and that WebDiffusion does not apply; with one of these set the request is
    /// refused. <c>sd_vae</c> ("Automatic", "None" or a models/VAE file) is applied; the request reader checks the file exists.
    /// </summary>
    public static readonly IReadOnlySet<string> Refused = new HashSet<string>(StringComparer.Ordinal)
    {
        "sd_unet", "sd_hypernetwork", "sd_hypernetwork_strength", "sd_lora", "lora_functional", "lora_preferred_name",
        "img2img_fix_steps", "img2img_color_correction", "img2img_background_color", "img2img_extra_noise",
        "inpainting_mask_weight", "upscaler_for_img2img", "face_restoration", "face_restoration_model", "code_former_weight",
        "face_restoration_unload", "token_merging_ratio", "token_merging_ratio_img2img", "token_merging_ratio_hr", "pad_cond_uncond",
        "pad_cond_uncond_v0", "batch_cond_uncond", "upcast_attn", "use_old_karras_scheduler_sigmas", "no_dpmpp_sde_batch_determinism",
        "use_old_hires_fix_width_height", "use_old_scheduling", "hires_fix_use_firstpass_conds", "use_downcasted_alpha_bar",
        "refiner_switch_by_sample_steps", "sd_refiner_checkpoint", "sdxl_crop_top", "sdxl_crop_left", "sdxl_refiner_low_aesthetic_score",
        "sdxl_refiner_high_aesthetic_score", "ESRGAN_tile", "ESRGAN_tile_overlap", "SCUNET_tile", "SCUNET_tile_overlap",
        "SWIN_tile", "SWIN_tile_overlap", "DAT_tile", "DAT_tile_overlap", "upscaling_max_images_in_cache", "cross_attention_optimization",
        "s_min_uncond_all", "persistent_cond_cache",
        "extra_networks_default_multiplier", "textual_inversion_add_hashes_to_infotext", "hires_fix_refiner_pass",
    };

    /// <summary>The VAE setting's key (A1111's <c>sd_vae</c>).</summary>
    public const string VaeKey = "sd_vae";

    /// <summary>One problem per refused key or bad value of an applied key, each naming the key.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyDictionary<string, string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var problems = new List<string>();
        foreach (var (key, value) in overrides)
        {
            if (key == VaeKey)
            {
                continue; // checked against models/VAE by the request reader
            }

            if (Refused.Contains(key))
            {
                problems.Add($"override_settings.{key}: this setting changes the result in A1111 and WebDiffusion does not apply it; remove it from override_settings.");
            }
        }

        if (overrides.TryGetValue("CLIP_stop_at_last_layers", out var clip) && !int.TryParse(clip, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            problems.Add($"override_settings.CLIP_stop_at_last_layers must be a whole number; got '{clip}'.");
        }

        if (overrides.TryGetValue("randn_source", out var source) && source.Trim().ToUpperInvariant() is not ("GPU" or "CPU" or "NV"))
        {
            problems.Add($"override_settings.randn_source must be \"GPU\", \"CPU\" or \"NV\"; got '{source}'.");
        }

        if (overrides.TryGetValue("eta_noise_seed_delta", out var ensd) && (!long.TryParse(ensd, NumberStyles.Integer, CultureInfo.InvariantCulture, out var delta) || delta < 0))
        {
            problems.Add($"override_settings.eta_noise_seed_delta must be a whole number ≥ 0; got '{ensd}'.");
        }

        return problems;
    }

    /// <summary>Keys in no list: accepted, and worth a log line.</summary>
    public static IReadOnlyList<string> UnknownKeys(IReadOnlyDictionary<string, string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        return [.. overrides.Keys.Where(k => !Applied.Contains(k) && !SamplerAndTextOptions.Contains(k) && !Harmless.Contains(k) && !Refused.Contains(k))];
    }
}
