using WebDiffusion.Core.Sampling.Noise;

namespace WebDiffusion.Core.Models;

/// <summary>
/// The latent space of a model, read from its files: latent channels and the VAE's spatial scale factor (pixels per
/// latent along each axis). SD 1.x/2.x/XL use 4 channels and a factor of 8; other VAEs differ (a factor of 2, 16 channels).
/// Image sizes follow it: a side is a multiple of the factor, at least <see cref="MinimumLatentSide"/> latent pixels.
/// </summary>
/// <param name="Channels">Latent channels (the unet's output, the VAE decoder's input).</param>
/// <param name="ScaleFactor">Pixels per latent pixel along each axis (diffusers' <c>vae_scale_factor</c>).</param>
public sealed record LatentFormat(int Channels, int ScaleFactor)
{
    /// <summary>The smallest latent side accepted (8 latent pixels: 64 px for SD's factor of 8).</summary>
    public const int MinimumLatentSide = 8;

    /// <summary>SD 1.x/2.x/XL: 4 channels, factor 8.</summary>
    public static LatentFormat StableDiffusion { get; } = new(4, 8);

    /// <summary>The smallest image side in pixels.</summary>
    public int MinimumSide => MinimumLatentSide * ScaleFactor;

    /// <summary>Input channels of an inpainting unet on this latent: latent, mask, masked-image latent (9 for SD).</summary>
    public int InpaintingUNetChannels => (2 * Channels) + 1;

    /// <summary>The latent of one <paramref name="pixelWidth"/>×<paramref name="pixelHeight"/> image (floored to the factor).</summary>
    public LatentShape ShapeFor(int pixelWidth, int pixelHeight)
    {
        if (pixelWidth < ScaleFactor || pixelHeight < ScaleFactor)
        {
            throw new ArgumentOutOfRangeException(nameof(pixelWidth),
                $"Image size {pixelWidth}x{pixelHeight} is too small; width and height must be at least {ScaleFactor} pixels.");
        }

        return new LatentShape(Channels, pixelHeight / ScaleFactor, pixelWidth / ScaleFactor);
    }

    /// <summary><paramref name="pixels"/> floored to a multiple of the factor.</summary>
    public int Floor(int pixels) => pixels / ScaleFactor * ScaleFactor;

    /// <summary>Whether <paramref name="pixels"/> is a usable image side (a multiple of the factor, at least the minimum).</summary>
    public bool IsValidSide(int pixels) => pixels >= MinimumSide && pixels % ScaleFactor == 0;
}
