using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Models;

/// <summary>The checked signatures of a model folder's ONNX components.</summary>
/// <param name="TextEncoder">text_encoder/model.onnx.</param>
/// <param name="UNet">unet/model.onnx.</param>
/// <param name="VaeDecoder">vae_decoder/model.onnx.</param>
/// <param name="VaeEncoder">vae_encoder/model.onnx, or null when the model has none (txt2img only).</param>
public sealed record ModelSignatures(
    OnnxModelSignature TextEncoder,
    OnnxModelSignature UNet,
    OnnxModelSignature VaeDecoder,
    OnnxModelSignature? VaeEncoder)
{
    /// <summary>Latent channels the unet takes: 4, or 9 for inpainting.</summary>
    public int UNetInChannels => (int)(UNet.FindInput("sample")!.FixedDim(1) ?? 4);

    /// <summary>Hidden size of the text encoder output, or 0 when symbolic.</summary>
    public int TextHiddenSize => (int)(TextEncoder.FindOutput("last_hidden_state")!.FixedDim(2) ?? UNet.FindInput("encoder_hidden_states")!.FixedDim(2) ?? 0);
}
