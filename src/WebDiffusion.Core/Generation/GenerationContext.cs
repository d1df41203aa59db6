using WebDiffusion.Core.Imaging.Preview;
using WebDiffusion.Core.Lora;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Sampling.Schedules;
using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Embeddings;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Core.Generation;

/// <summary>The loaded model and the settings a pipeline run uses (everything except the request).</summary>
public sealed record GenerationContext
{
    /// <summary>The model's sessions.</summary>
    public required ModelSet Model { get; init; }

    /// <summary>The model's tokenizer.</summary>
    public required ClipTokenizer Tokenizer { get; init; }

    /// <summary>The model's noise schedule (from scheduler/scheduler_config.json).</summary>
    public required DiscreteSchedule Schedule { get; init; }

    /// <summary>Textual-inversion embeddings, or null.</summary>
    public TextualInversionLibrary? Embeddings { get; init; }

    /// <summary>Model upscalers (ESRGAN family) the hires pass can use by name; null: only the built-in and latent ones.</summary>
    public Upscaling.ModelUpscalers? Upscalers { get; init; }

    /// <summary>The LoRA folder that <c>&lt;lora:name:…&gt;</c> tags are looked up in (null: none; such tags give a warning).</summary>
    public LoraLibrary? Loras { get; init; }

    /// <summary>Live previewer; null = no previews.</summary>
    public ILatentPreviewer? Previewer { get; init; } = new CheapLatentPreviewer();

    /// <summary>Minimum time between two previews.</summary>
    public TimeSpan PreviewInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A1111's "Random number generator source".</summary>
    public RandnSource RandnSource { get; init; } = RandnSource.Gpu;

    /// <summary>A1111's ENSD (eta noise seed delta).</summary>
    public long EtaNoiseSeedDelta { get; init; }

    /// <summary>
    /// Text settings from the stored options (A1111 <c>emphasis</c>, <c>comma_padding_backtrack</c>,
    /// <c>CLIP_stop_at_last_layers</c>); a request's own clip skip wins over <see cref="ConditioningOptions.ClipSkip"/>.
    /// </summary>
    public ConditioningOptions TextOptions { get; init; } = new();

    /// <summary>
    /// True when the UNet session really runs on the CUDA execution provider (not merely requested: a fallback to the
    /// CPU is false). Decides what A1111's default "GPU" noise source means (see <see cref="NoiseGenerators.Resolve"/>).
    /// </summary>
    public bool CudaHost { get; init; }

    /// <summary>A1111's sampler options (eta, s_*, σ range, …) from <c>/sdapi/v1/options</c> and override_settings.</summary>
    public SamplerSettings Sampling { get; init; } = SamplerSettings.Default;

    /// <summary>Version string written to infotext.</summary>
    public string Version { get; init; } = "WebDiffusion";

    /// <summary>VAE decode tile side in latent pixels (64 = 512 px); larger images decode in tiles.</summary>
    public int VaeTileSize { get; init; } = 64;

    /// <summary>Overlap between VAE tiles in latent pixels.</summary>
    public int VaeTileOverlap { get; init; } = 16;

    /// <summary>Pixel budget for decoding uploaded images.</summary>
    public long MaxUploadPixels { get; init; } = 8192L * 8192;

    /// <summary>Reads the model's schedule from its folder (scaled_linear SD defaults when the file is absent).</summary>
    public static DiscreteSchedule ReadSchedule(ModelDescription model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Source == ModelSourceKind.Checkpoint)
        {
            return CheckpointSchedule.Read(model);
        }

        var path = Path.Combine(model.Folder, "scheduler", "scheduler_config.json");
        var config = File.Exists(path) ? NoiseScheduleConfig.FromJson(File.ReadAllText(path)) : NoiseScheduleConfig.StableDiffusion;
        return new DiscreteSchedule(config with { Prediction = model.PredictionType });
    }
}
