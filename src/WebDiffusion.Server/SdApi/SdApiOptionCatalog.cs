using System.Text.Json.Nodes;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// The A1111 options (<c>modules/shared_options.py</c> names and defaults) that map to something WebDiffusion does.
/// The sampler options (eta_*, s_*, sigma_min/max, rho, …) reach the samplers through <c>SamplerOptionSettings</c>;
/// options marked <see cref="SdApiOption.Unsupported"/> accept only their default.
/// <c>sd_model_checkpoint</c> and <c>sd_checkpoint_hash</c> are handled apart: they come from the model selection.
/// </summary>
public static class SdApiOptionCatalog
{
    /// <summary>The selected model's title ("name [hash]").</summary>
    public const string ModelCheckpointKey = "sd_model_checkpoint";

    /// <summary>The selected model's full SHA-256 (read-only).</summary>
    public const string CheckpointHashKey = "sd_checkpoint_hash";

    /// <summary>Every option other than the two model keys, by A1111 name.</summary>
    public static IReadOnlyDictionary<string, SdApiOption> Options { get; } = new Dictionary<string, SdApiOption>(StringComparer.Ordinal)
    {
        ["CLIP_stop_at_last_layers"] = Integer(1, 1, 12),
        ["eta_noise_seed_delta"] = Integer(0, 0, int.MaxValue),
        ["eta_ancestral"] = Number(1.0, 0, 1),
        ["eta_ddim"] = Number(0.0, 0, 1),
        ["randn_source"] = Text("GPU", ["GPU", "CPU", "NV"]),
        ["samples_format"] = Text("png", ["png"]),
        ["grid_format"] = Text("png", ["png"]),
        ["outdir_samples"] = new SdApiOption(SdApiOptionKind.String, JsonValue.Create(string.Empty), ReadOnly: true),
        ["outdir_grids"] = new SdApiOption(SdApiOptionKind.String, JsonValue.Create(string.Empty), ReadOnly: true),
        ["samples_save"] = Boolean(true),
        ["grid_save"] = Boolean(true),
        ["return_grid"] = Boolean(true),
        ["enable_pnginfo"] = Boolean(true),
        ["sd_vae"] = Text("Automatic", null),
        ["show_progress_every_n_steps"] = Integer(10, -1, 1000),
        ["live_previews_enable"] = Boolean(true),
        ["emphasis"] = Text("Original", ["None", "Ignore", "Original", "No norm"]),
        ["comma_padding_backtrack"] = Integer(20, 0, 74),
        ["s_churn"] = Number(0.0, 0, 100),
        ["s_tmin"] = Number(0.0, 0, 10),
        ["s_tmax"] = Number(0.0, 0, 999),
        ["s_noise"] = Number(1.0, 0, 1.1),
        ["s_min_uncond"] = Number(0.0, 0, 15) with { Unsupported = "NGMS (negative guidance minimum sigma) is not implemented." },
        ["always_discard_next_to_last_sigma"] = Boolean(false),
        ["sgm_noise_multiplier"] = Boolean(false),
        ["uni_pc_order"] = Integer(3, 1, 50),
        ["sigma_min"] = Number(0.0, 0, 1000),
        ["sigma_max"] = Number(0.0, 0, 1000),
        ["rho"] = Number(0.0, 0, 100),
        ["initial_noise_multiplier"] = Number(1.0, 0.5, 1.5) with { Unsupported = "the img2img noise multiplier is not implemented." },
        ["img2img_fix_steps"] = Boolean(false),
    };

    private static SdApiOption Integer(long value, double min, double max) => new(SdApiOptionKind.Integer, JsonValue.Create(value), Minimum: min, Maximum: max);

    private static SdApiOption Number(double value, double min, double max) => new(SdApiOptionKind.Number, JsonValue.Create(value), Minimum: min, Maximum: max);

    private static SdApiOption Boolean(bool value) => new(SdApiOptionKind.Boolean, JsonValue.Create(value));

    private static SdApiOption Text(string value, IReadOnlyList<string>? allowed) => new(SdApiOptionKind.String, JsonValue.Create(value), allowed);
}
