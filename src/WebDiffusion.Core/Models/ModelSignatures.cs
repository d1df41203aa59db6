using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Models;

/// <summary>The checked signatures of a model folder's ONNX components.</summary>
/// <param name="TextEncoder">text_encoder/model.onnx.</param>
/// <param name="UNet">unet/model.onnx.</param>
/// <param name="VaeDecoder">vae_decoder/model.onnx.</param>
/// <param name="VaeEncoder">vae_encoder/model.onnx, or null when the model has none (txt2img only).</param>
/// <param name="Latent">The latent format the components were checked against.</param>
public sealed record ModelSignatures(
    OnnxModelSignature TextEncoder,
    OnnxModelSignature UNet,
    OnnxModelSignature VaeDecoder,
    OnnxModelSignature? VaeEncoder,
    LatentFormat Latent)
{
    /// <summary>Channels the unet takes: the latent's (4 for SD), or the inpainting count (9 for SD).</summary>
    public int UNetInChannels => (int)(UNet.FindInput("sample")!.FixedDim(1) ?? Latent.Channels);

    /// <summary>Hidden size of the text encoder output, or 0 when symbolic.</summary>
    public int TextHiddenSize => (int)(TextEncoder.FindOutput("last_hidden_state")!.FixedDim(2) ?? UNet.FindInput("encoder_hidden_states")!.FixedDim(2) ?? 0);
}
