namespace WebDiffusion.Core.Generation;

/// <summary>
/// Inpainting state shared with the denoiser: the init latent, the latent mask (1 = regenerate) and, for 9-channel
/// inpainting UNets, the extra input channels (mask + masked-image latent), all per image in NCHW order.
/// </summary>
public sealed class ImageConditioning
{
    /// <summary>Latent of the init image(s), already scaled; empty for txt2img.</summary>
    public ReadOnlyMemory<float> InitLatent { get; init; }

    /// <summary>Per-image latent mask (batch × 1 × h × w), 1 where the image is regenerated; empty when there is no mask.</summary>
    public ReadOnlyMemory<float> LatentMask { get; init; }

    /// <summary>Extra UNet input channels per image (batch × 5 × h × w) for an inpainting UNet; empty otherwise.</summary>
    public ReadOnlyMemory<float> ExtraChannels { get; init; }

    /// <summary>Number of extra channels (5 for SD inpainting models, else 0).</summary>
    public int ExtraChannelCount { get; init; }

    /// <summary>Whether the x0 prediction is blended with the init latent outside the mask each step.</summary>
    public bool BlendsLatents => !LatentMask.IsEmpty && !InitLatent.IsEmpty;
}
