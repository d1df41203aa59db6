namespace WebDiffusion.Core.Models;

/// <summary>Where a model's graphs come from.</summary>
public enum ModelSourceKind
{
    /// <summary>A diffusers ONNX folder (text_encoder/, unet/, vae_decoder/ … with model.onnx files).</summary>
    OnnxFolder,

    /// <summary>An A1111 <c>.safetensors</c> checkpoint, compiled to ONNX graphs when it is loaded.</summary>
    Checkpoint,

    /// <summary>
    /// A diffusers PyTorch folder (<c>model_index.json</c>, <c>unet/diffusion_pytorch_model.safetensors</c>, …, no ONNX):
    /// its safetensors files are compiled to ONNX graphs when it is loaded, like a checkpoint; <see cref="ModelDescription.Folder"/>
    /// is the folder and the tokenizer is its <c>tokenizer/</c>.
    /// </summary>
    DiffusersFolder,
}
