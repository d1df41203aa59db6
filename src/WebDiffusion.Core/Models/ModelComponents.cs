namespace WebDiffusion.Core.Models;

/// <summary>The component folder names of the diffusers ONNX layout.</summary>
public static class ModelComponents
{
    /// <summary>tokenizer/ (vocab.json, merges.txt).</summary>
    public const string Tokenizer = "tokenizer";

    /// <summary>text_encoder/model.onnx.</summary>
    public const string TextEncoder = "text_encoder";

    /// <summary>text_encoder_2/model.onnx (SDXL).</summary>
    public const string TextEncoder2 = "text_encoder_2";

    /// <summary>unet/model.onnx.</summary>
    public const string UNet = "unet";

    /// <summary>vae_encoder/model.onnx (img2img, inpainting).</summary>
    public const string VaeEncoder = "vae_encoder";

    /// <summary>vae_decoder/model.onnx.</summary>
    public const string VaeDecoder = "vae_decoder";

    /// <summary>The file name of every ONNX component.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>Components a model needs for txt2img.</summary>
    public static IReadOnlyList<string> Required { get; } = [Tokenizer, TextEncoder, UNet, VaeDecoder];

    /// <summary>The ONNX components, in the order they are listed.</summary>
    public static IReadOnlyList<string> Onnx { get; } = [TextEncoder, TextEncoder2, UNet, VaeEncoder, VaeDecoder];
}
