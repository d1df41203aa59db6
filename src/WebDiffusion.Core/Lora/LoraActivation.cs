using WebDiffusion.Core.Text.Prompts;

namespace WebDiffusion.Core.Lora;

/// <summary>
/// One LoRA as a prompt asks for it: the network, the name the prompt used, and its multipliers. A1111's
/// <c>&lt;lora:name:te:unet&gt;</c>: the first number is the text encoder's, the second the UNet's (default: the first),
/// or named <c>te=</c> / <c>unet=</c>; no number means 1.
/// </summary>
/// <param name="Network">The LoRA file.</param>
/// <param name="MentionedName">The name as written in the tag (A1111 writes it in "Lora hashes").</param>
/// <param name="TextEncoderMultiplier">Multiplier of the text-encoder modules.</param>
/// <param name="UNetMultiplier">Multiplier of the UNet modules.</param>
public sealed record LoraActivation(LoraNetwork Network, string MentionedName, float TextEncoderMultiplier, float UNetMultiplier)
{
    /// <summary>The multipliers a <c>lora</c>/<c>lyco</c> tag gives, as A1111's <c>extra_networks_lora</c> reads them.</summary>
    /// <exception cref="FormatException">A multiplier is not a number.</exception>
    public static (float TextEncoder, float UNet) Multipliers(ExtraNetworkTag tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        var te = tag.GetNumber("te", 1, 1.0);
        var unet = tag.GetNumber("unet", 2, te);
        return ((float)te, (float)unet);
    }
}
