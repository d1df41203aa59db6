using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Models;

/// <summary>What the registry knows about one model (a diffusers ONNX folder or an A1111 checkpoint file), read without loading weights.</summary>
public sealed record ModelDescription
{
    /// <summary>The folder name under models/Stable-diffusion (the model's name).</summary>
    public required string Name { get; init; }

    /// <summary>
    /// The name infotext's "Model" carries: a checkpoint's file name without folder and extension (A1111's
    /// <c>name_for_extra</c>), a model folder's name.
    /// </summary>
    public string InfotextName => Source == ModelSourceKind.Checkpoint ? Path.GetFileNameWithoutExtension(Name) : Name;

    /// <summary>Absolute path of the model folder, or of the file for a single-file checkpoint.</summary>
    public required string Folder { get; init; }

    /// <summary>Whether the model is a diffusers ONNX folder or a checkpoint compiled to graphs when it is loaded.</summary>
    public ModelSourceKind Source { get; init; } = ModelSourceKind.OnnxFolder;

    /// <summary>For a checkpoint: its detected architecture (family, hyper-parameters); null otherwise or when it cannot run.</summary>
    public CheckpointArchitecture? Architecture { get; init; }

    /// <summary>The full lowercase SHA-256 (A1111's <c>sha256</c>), or null when not computed.</summary>
    public string? Sha256 { get; init; }

    /// <summary>A1111's legacy 8-hex "old hash" of a checkpoint file (accepted in lookups), or null.</summary>
    public string? LegacyHash { get; init; }

    /// <summary>Components present (tokenizer, text_encoder, unet, vae_encoder, vae_decoder …).</summary>
    public IReadOnlyList<string> Components { get; init; } = [];

    /// <summary>Storage precision (from the unet's <c>sample</c> dtype).</summary>
    public ModelPrecision Precision { get; init; }

    /// <summary>The family guess; see <see cref="ModelFolderReader"/> for the rules.</summary>
    public SdVersion SdVersion { get; init; }

    /// <summary>What the unet predicts.</summary>
    public PredictionType PredictionType { get; init; }

    /// <summary>Factor between VAE latents and unet latents (0.18215 for SD1/2, 0.13025 for XL, or vae_decoder/config.json).</summary>
    public float LatentScale { get; init; } = 0.18215f;

    /// <summary>Latent channels and VAE scale factor (<see cref="LatentFormatReader"/>); image sizes follow it.</summary>
    public LatentFormat Latent { get; init; } = LatentFormat.StableDiffusion;

    /// <summary>True for an inpainting unet (9 channels for SD).</summary>
    public bool IsInpainting { get; init; }

    /// <summary>Hidden size of the text encoder's last_hidden_state, or 0 when unknown.</summary>
    public int TextHiddenSize { get; init; }

    /// <summary>What the text encoder export can do beyond ids → last_hidden_state (clip skip, textual inversion).</summary>
    public TextEncoderFeatures TextEncoderFeatures { get; init; } = TextEncoderFeatures.IdsOnly;

    /// <summary>Short hash (first 10 hex of the SHA-256 defined in <see cref="ModelHasher"/>), or null when not computed.</summary>
    public string? Hash { get; init; }

    /// <summary>Why the model cannot be loaded, or null when it can.</summary>
    public string? Error { get; init; }

    /// <summary>True when <see cref="Error"/> is null.</summary>
    public bool IsUsable => Error is null;

    /// <summary>Path of a component's model.onnx.</summary>
    public string ComponentPath(string component) => Path.Combine(Folder, component, ModelComponents.ModelFileName);
}
