using System.Text.Json;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Checkpoints.Diffusers;

/// <summary>
/// A diffusers PyTorch pipeline folder (<c>model_index.json</c>, <c>unet/diffusion_pytorch_model.safetensors</c>,
/// <c>vae/diffusion_pytorch_model.safetensors</c>, <c>text_encoder/model.safetensors</c>, their <c>config.json</c> files,
/// <c>scheduler/scheduler_config.json</c>, <c>tokenizer/</c>) read as an SD 1.x checkpoint: each component file is opened
/// as a <see cref="RenamedCheckpointTensors"/> presenting ldm names (<see cref="DiffusersKeyNames"/>), so the checkpoint
/// compilers build its graphs with weights read from the folder's own files. Shapes give the sizes
/// (<see cref="ArchitectureDetector"/> over the three views); the configs give what shapes do not: attention heads
/// (<c>unet/config.json</c>, <c>text_encoder/config.json</c>), the prediction type (<c>scheduler_config.json</c>) and the
/// latent scale (<c>vae/config.json</c> <c>scaling_factor</c>).
/// </summary>
public static class DiffusersFolder
{
    /// <summary>The file that marks a diffusers pipeline folder.</summary>
    public const string ModelIndexFile = "model_index.json";

    private const string ConfigFile = "config.json";

    /// <summary>Whether <paramref name="folder"/> is a diffusers folder with PyTorch safetensors weights (model_index.json and the UNet file).</summary>
    public static bool IsPyTorchFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return File.Exists(Path.Combine(folder, ModelIndexFile)) && ComponentFile(folder, "unet", "diffusion_pytorch_model") is not null;
    }

    /// <summary>The UNet weights file (<c>unet/diffusion_pytorch_model.safetensors</c>, or its <c>.fp16</c> variant).</summary>
    /// <exception cref="CheckpointFormatException">There is none.</exception>
    public static string UNetFile(string folder) => RequiredFile(folder, "unet", "diffusion_pytorch_model");

    /// <summary>The VAE weights file.</summary>
    /// <exception cref="CheckpointFormatException">There is none.</exception>
    public static string VaeFile(string folder) => RequiredFile(folder, "vae", "diffusion_pytorch_model");

    /// <summary>The text encoder weights file (<c>text_encoder/model.safetensors</c>).</summary>
    /// <exception cref="CheckpointFormatException">There is none.</exception>
    public static string TextEncoderFile(string folder) => RequiredFile(folder, "text_encoder", "model");

    /// <summary>The UNet file under ldm names (<c>model.diffusion_model.*</c>).</summary>
    public static RenamedCheckpointTensors OpenUNet(string folder) => Open(UNetFile(folder), DiffusersKeyNames.UNet);

    /// <summary>The VAE file under ldm names (<c>first_stage_model.*</c>, mid-block attention as 1×1 convolutions).</summary>
    public static RenamedCheckpointTensors OpenVae(string folder) => Open(VaeFile(folder), DiffusersKeyNames.Vae);

    /// <summary>The text encoder file under ldm names (<c>cond_stage_model.transformer.text_model.*</c>).</summary>
    public static RenamedCheckpointTensors OpenTextEncoder(string folder) => Open(TextEncoderFile(folder), DiffusersKeyNames.TextEncoder);

    /// <summary>The architecture of the folder's three networks.</summary>
    /// <exception cref="UnsupportedCheckpointException">Not an SD 1.x pipeline (SDXL, SD3, Flux, SD 2.x's OpenCLIP text encoder, …).</exception>
    /// <exception cref="CheckpointFormatException">A file or config is missing or malformed.</exception>
    public static CheckpointArchitecture ReadArchitecture(string folder, RenamedCheckpointTensors unet, RenamedCheckpointTensors vae, RenamedCheckpointTensors text)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var pipeline = ReadJson(folder, ModelIndexFile);
        var pipelineClass = String(pipeline, "_class_name") ?? "(no _class_name)";
        if (pipelineClass is not ("StableDiffusionPipeline" or "StableDiffusionInpaintPipeline" or "StableDiffusionImg2ImgPipeline"))
        {
            throw new UnsupportedCheckpointException(folder, $"diffusers {pipelineClass}");
        }

        var textConfig = ReadJson(folder, Path.Combine("text_encoder", ConfigFile));
        if (String(textConfig, "hidden_act") is { } act && act != "quick_gelu")
        {
            throw new UnsupportedCheckpointException(folder, $"diffusers folder with a {act} text encoder (SD 2.x)");
        }

        using var all = new CombinedCheckpointTensors(folder, [unet, vae, text]);
        var detected = ArchitectureDetector.Detect(all, CheckpointYaml.Parse([]));
        if (detected.UNet.LinearProjection)
        {
            throw new UnsupportedCheckpointException(folder, "diffusers folder with a linear-projection UNet (SD 2.x)");
        }

        var unetConfig = ReadJson(folder, Path.Combine("unet", ConfigFile));
        var (heads, headChannels) = UNetHeads(folder, unetConfig, detected.UNet);
        var textHeads = Int(textConfig, "num_attention_heads") ?? throw Malformed(folder, "text_encoder/config.json", "num_attention_heads is missing.");
        var schedule = ReadScheduleConfig(folder);
        var vaeConfig = ReadJson(folder, Path.Combine("vae", ConfigFile));
        return detected with
        {
            UNet = detected.UNet with { NumHeads = heads, HeadChannels = headChannels },
            TextEncoder = detected.TextEncoder with
            {
                Heads = textHeads,
                QuickGelu = true,
                LayerNormEpsilon = Float(textConfig, "layer_norm_eps") ?? detected.TextEncoder.LayerNormEpsilon,
            },
            Prediction = schedule.Prediction,
            PredictionSource = "scheduler/scheduler_config.json prediction_type",
            ScaleFactor = Float(vaeConfig, "scaling_factor") ?? detected.ScaleFactor,
        };
    }

    /// <summary>The noise schedule of <c>scheduler/scheduler_config.json</c> (SD's defaults without it).</summary>
    /// <exception cref="CheckpointFormatException">The file is malformed.</exception>
    public static NoiseScheduleConfig ReadScheduleConfig(string folder)
    {
        var path = Path.Combine(folder, "scheduler", "scheduler_config.json");
        if (!File.Exists(path))
        {
            return NoiseScheduleConfig.StableDiffusion;
        }

        try
        {
            return NoiseScheduleConfig.FromJson(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or FormatException)
        {
            throw new CheckpointFormatException(path, null, ex.Message, ex);
        }
    }

    // diffusers' SD 1.x configs name the head count "attention_head_dim" (a historical misnomer; newer files may add
    // num_attention_heads). A list gives one count per level: usable when it means a fixed channels-per-head.
    private static (int Heads, int HeadChannels) UNetHeads(string folder, JsonElement config, UNetHyperParameters unet)
    {
        var value = config.TryGetProperty("num_attention_heads", out var n) && n.ValueKind != JsonValueKind.Null ? n
            : config.TryGetProperty("attention_head_dim", out var d) ? d
            : throw Malformed(folder, "unet/config.json", "attention_head_dim is missing.");
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var heads) && heads > 0)
        {
            return (heads, -1);
        }

        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == unet.Levels)
        {
            var perHead = value.EnumerateArray().Select((h, i) => h.TryGetInt32(out var c) && c > 0 ? unet.ModelChannels * unet.ChannelMult[i] / c : -1).Distinct().ToArray();
            if (perHead is [> 0 and var channels])
            {
                return (-1, channels);
            }
        }

        throw Malformed(folder, "unet/config.json", $"attention heads {value.GetRawText()} are not a head count this compiler builds.");
    }

    private static RenamedCheckpointTensors Open(string file, Func<ICheckpointTensors, Dictionary<string, (string Source, long[]? Shape)>> names)
    {
        var tensors = SafetensorsFile.Open(file);
        try
        {
            return new RenamedCheckpointTensors(tensors, names(tensors));
        }
        catch
        {
            tensors.Dispose();
            throw;
        }
    }

    private static string? ComponentFile(string folder, string component, string stem)
    {
        foreach (var name in new[] { stem + ".safetensors", stem + ".fp16.safetensors" })
        {
            var path = Path.Combine(folder, component, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static string RequiredFile(string folder, string component, string stem)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return ComponentFile(folder, component, stem)
            ?? throw new CheckpointFormatException(Path.Combine(folder, component), null,
                $"no {stem}.safetensors (a diffusers folder needs its {component} as one safetensors file; sharded or .bin weights are not read).");
    }

    private static JsonElement ReadJson(string folder, string relative)
    {
        var path = Path.Combine(folder, relative);
        if (!File.Exists(path))
        {
            throw new CheckpointFormatException(path, null, "the diffusers folder has no " + relative.Replace('\\', '/') + ".");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new CheckpointFormatException(path, null, "expected a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException(path, null, "not valid JSON: " + ex.Message, ex);
        }
    }

    private static CheckpointFormatException Malformed(string folder, string relative, string problem) =>
        new(Path.Combine(folder, relative), null, problem);

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) && i > 0 ? i : null;

    private static float? Float(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetSingle() : null;
}
