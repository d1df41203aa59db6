using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// A1111 1.10's options catalog (<c>modules/shared_options.py</c> and the built-in Lora extension's options: names and
/// defaults, in <c>Data/a1111-options.json</c>), so that every option a client may POST is stored and read back as
/// A1111 does. The options that map to something WebDiffusion does are typed and range-checked (<see cref="Behaviour"/>);
/// the sampler options (eta_*, s_*, sigma_min/max, rho, …) reach the samplers through <c>SamplerOptionSettings</c>;
/// options marked <see cref="SdApiOption.Unsupported"/> accept only their default. The rest are kept as posted (of their
/// default's JSON type) without changing what we do. Output folders and the API's URL-fetch options are read-only here.
/// <c>sd_model_checkpoint</c> and <c>sd_checkpoint_hash</c> are handled apart: they come from the model selection.
/// </summary>
public static class SdApiOptionCatalog
{
    /// <summary>Options a client may not change through the API: A1111's restricted_opts (folders, file name patterns) and restrict_api options.</summary>
    public static IReadOnlySet<string> ReadOnlyKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "samples_filename_pattern", "directories_filename_pattern", "outdir_samples", "outdir_txt2img_samples", "outdir_img2img_samples",
        "outdir_extras_samples", "outdir_grids", "outdir_txt2img_grids", "outdir_img2img_grids", "outdir_save", "outdir_init_images", "temp_dir",
        "api_enable_requests", "api_forbid_local_requests", "api_useragent",
    };


    /// <summary>The selected model's title ("name [hash]").</summary>
    public const string ModelCheckpointKey = "sd_model_checkpoint";

    /// <summary>The selected model's full SHA-256 (read-only).</summary>
    public const string CheckpointHashKey = "sd_checkpoint_hash";

    /// <summary>The options that change what WebDiffusion does, typed and range-checked.</summary>
    public static IReadOnlyDictionary<string, SdApiOption> Behaviour { get; } = new Dictionary<string, SdApiOption>(StringComparer.Ordinal)
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
        ["initial_noise_multiplier"] = Number(1.0, 0, 1.5),
        ["img2img_fix_steps"] = Boolean(false),
    };

    /// <summary>A1111's option defaults, read from the embedded catalog.</summary>
    public static IReadOnlyDictionary<string, JsonNode?> A1111Defaults { get; } = ReadDefaults();

    // Declared after Behaviour and A1111Defaults: static initializers run in this order.
    /// <summary>Every option other than the two model keys, by A1111 name, in A1111's order (the typed ones where we have them).</summary>
    public static IReadOnlyDictionary<string, SdApiOption> Options { get; } = BuildCatalog();

    private static Dictionary<string, SdApiOption> BuildCatalog()
    {
        var catalog = new Dictionary<string, SdApiOption>(StringComparer.Ordinal);
        foreach (var (key, value) in A1111Defaults)
        {
            catalog[key] = Behaviour.TryGetValue(key, out var typed) ? typed : KeptAsPosted(key, value);
        }

        foreach (var (key, typed) in Behaviour)
        {
            catalog.TryAdd(key, typed);
        }

        return catalog;
    }

    private static SdApiOption KeptAsPosted(string key, JsonNode? value)
    {
        var kind = (value?.GetValueKind() ?? JsonValueKind.Null) switch
        {
            JsonValueKind.True or JsonValueKind.False => SdApiOptionKind.Boolean,
            JsonValueKind.Number => SdApiOptionKind.Number,
            JsonValueKind.String => SdApiOptionKind.String,
            JsonValueKind.Array => SdApiOptionKind.List,
            _ => SdApiOptionKind.Any,
        };
        return new SdApiOption(kind, value?.DeepClone(), ReadOnly: ReadOnlyKeys.Contains(key));
    }

    private static Dictionary<string, JsonNode?> ReadDefaults()
    {
        using var stream = typeof(SdApiOptionCatalog).Assembly.GetManifestResourceStream("WebDiffusion.Server.a1111-options.json")
            ?? throw new InvalidOperationException("The embedded A1111 options catalog (a1111-options.json) is missing from the build.");
        var root = JsonNode.Parse(stream) as JsonObject ?? throw new InvalidOperationException("a1111-options.json must hold a JSON object.");
        return root.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
    }

    private static SdApiOption Integer(long value, double min, double max) => new(SdApiOptionKind.Integer, JsonValue.Create(value), Minimum: min, Maximum: max);

    private static SdApiOption Number(double value, double min, double max) => new(SdApiOptionKind.Number, JsonValue.Create(value), Minimum: min, Maximum: max);

    private static SdApiOption Boolean(bool value) => new(SdApiOptionKind.Boolean, JsonValue.Create(value));

    private static SdApiOption Text(string value, IReadOnlyList<string>? allowed) => new(SdApiOptionKind.String, JsonValue.Create(value), allowed);
}
