namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>The shape of one image's latent: channels × height × width (SD: 4 × H/8 × W/8; the model's LatentFormat makes it).</summary>
/// <param name="Channels">Latent channels (4 for SD1.x/2.x/SDXL).</param>
/// <param name="Height">Latent rows.</param>
/// <param name="Width">Latent columns.</param>
public readonly record struct LatentShape(int Channels, int Height, int Width)
{
    /// <summary>Elements per image.</summary>
    public int Count => checked(Channels * Height * Width);
}
