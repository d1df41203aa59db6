namespace WebDiffusion.Core.Models;

/// <summary>Where a model's graphs come from.</summary>
public enum ModelSourceKind
{
    /// <summary>A diffusers ONNX folder (text_encoder/, unet/, vae_decoder/ … with model.onnx files).</summary>
    OnnxFolder,

    /// <summary>An A1111 <c>.safetensors</c> checkpoint, compiled to ONNX graphs when it is loaded.</summary>
    Checkpoint,
}
