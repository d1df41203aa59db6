namespace WebDiffusion.Core.Checkpoints.Architecture;

/// <summary>The model family a checkpoint's keys belong to.</summary>
public enum CheckpointFamily
{
    /// <summary>Keys of no family we recognise.</summary>
    Unknown = 0,

    /// <summary>Stable Diffusion 1.x (CompVis keys, OpenAI CLIP text encoder).</summary>
    StableDiffusion1,

    /// <summary>Stable Diffusion 2.x (OpenCLIP text encoder under <c>cond_stage_model.model.*</c>).</summary>
    StableDiffusion2,

    /// <summary>SDXL (<c>conditioner.embedders.*</c>).</summary>
    StableDiffusionXL,

    /// <summary>Stable Diffusion 3 (MMDiT <c>joint_blocks</c>).</summary>
    StableDiffusion3,

    /// <summary>Flux (<c>double_blocks</c> / <c>single_blocks</c>).</summary>
    Flux,
}
