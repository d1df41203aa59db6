using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebDiffusion.ModelKit;

/// <summary>Writes model_index.json, scheduler/scheduler_config.json and analytic.json as diffusers does.</summary>
internal static class DiffusersConfigFiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void WriteModelIndex(string folder, TinyModelVariant variant)
    {
        var onnxModel = new JsonArray("diffusers", "OnnxRuntimeModel");
        var index = new JsonObject
        {
            ["_class_name"] = variant == TinyModelVariant.Inpainting ? "OnnxStableDiffusionInpaintPipeline" : "OnnxStableDiffusionPipeline",
            ["_diffusers_version"] = "0.30.0",
            ["feature_extractor"] = new JsonArray(null, null),
            ["requires_safety_checker"] = false,
            ["safety_checker"] = new JsonArray(null, null),
            ["scheduler"] = new JsonArray("diffusers", "PNDMScheduler"),
            ["text_encoder"] = onnxModel.DeepClone(),
            ["tokenizer"] = new JsonArray("transformers", "CLIPTokenizer"),
            ["unet"] = onnxModel.DeepClone(),
            ["vae_decoder"] = onnxModel.DeepClone(),
            ["vae_encoder"] = onnxModel.DeepClone(),
            ["_webdiffusion"] = new JsonObject
            {
                ["generator"] = "tiny-model kit",
                ["variant"] = TinyModelWriter.VariantName(variant),
            },
        };
        Write(Path.Combine(folder, "model_index.json"), index);
    }

    public static void WriteSchedulerConfig(string folder, bool vPrediction)
    {
        var config = new JsonObject
        {
            ["_class_name"] = "PNDMScheduler",
            ["_diffusers_version"] = "0.30.0",
            ["beta_end"] = TrainingSigmas.BetaEnd,
            ["beta_schedule"] = "scaled_linear",
            ["beta_start"] = TrainingSigmas.BetaStart,
            ["clip_sample"] = false,
            ["num_train_timesteps"] = TrainingSigmas.Steps,
            ["prediction_type"] = vPrediction ? "v_prediction" : "epsilon",
            ["set_alpha_to_one"] = false,
            ["skip_prk_steps"] = true,
            ["steps_offset"] = 1,
            ["timestep_spacing"] = "leading",
            ["trained_betas"] = null,
        };
        var dir = Path.Combine(folder, "scheduler");
        Directory.CreateDirectory(dir);
        Write(Path.Combine(dir, "scheduler_config.json"), config);
    }

    /// <summary>vae_decoder/config.json and vae_encoder/config.json of an AutoencoderKL whose spatial factor is <paramref name="factor"/>.</summary>
    public static void WriteVaeConfigs(string folder, int factor)
    {
        var blocks = new JsonArray();
        for (var f = 1; f <= factor; f *= 2)
        {
            blocks.Add(8);
        }

        var config = new JsonObject
        {
            ["_class_name"] = "AutoencoderKL",
            ["_diffusers_version"] = "0.30.0",
            ["block_out_channels"] = blocks,
            ["in_channels"] = 3,
            ["latent_channels"] = 4,
            ["out_channels"] = 3,
            ["scaling_factor"] = 0.18215,
        };
        foreach (var component in new[] { "vae_decoder", "vae_encoder" })
        {
            Write(Path.Combine(folder, component, "config.json"), config.DeepClone());
        }
    }

    public static void WriteAnalytic(string folder, AnalyticModelParameters parameters)
    {
        var doc = new JsonObject
        {
            ["mean"] = JsonValue.Create(double.Parse(parameters.Mean.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)),
            ["std"] = JsonValue.Create(double.Parse(parameters.StdDev.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)),
            ["beta_start"] = TrainingSigmas.BetaStart,
            ["beta_end"] = TrainingSigmas.BetaEnd,
            ["beta_schedule"] = "scaled_linear",
            ["num_train_timesteps"] = TrainingSigmas.Steps,
            ["timestep_to_sigma"] = "log-linear interpolation of the training sigma table",
        };
        Write(Path.Combine(folder, AnalyticModelParameters.FileName), doc);
    }

    private static void Write(string path, JsonNode node) => File.WriteAllText(path, node.ToJsonString(Indented) + "\n");
}
