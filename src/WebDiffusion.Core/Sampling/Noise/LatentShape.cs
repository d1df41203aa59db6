namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>The shape of one image's latent: channels × height × width (A1111: 4 × H/8 × W/8).</summary>
/// <param name="Channels">Latent channels (4 for SD1.x/2.x/SDXL).</param>
/// <param name="Height">Latent rows.</param>
/// <param name="Width">Latent columns.</param>
public readonly record struct LatentShape(int Channels, int Height, int Width)
{
    /// <summary>Elements per image.</summary>
    public int Count => checked(Channels * Height * Width);

    /// <summary>The latent of an image of <paramref name="pixelWidth"/>×<paramref name="pixelHeight"/> (floored to /8).</summary>
    public static LatentShape ForImage(int pixelWidth, int pixelHeight, int channels = 4)
    {
        if (pixelWidth < 8 || pixelHeight < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(pixelWidth), $"Image size {pixelWidth}x{pixelHeight} is too small; width and height must be at least 8 pixels.");
        }

        return new LatentShape(channels, pixelHeight / 8, pixelWidth / 8);
    }
}
