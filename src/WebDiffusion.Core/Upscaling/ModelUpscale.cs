using WebDiffusion.Core.Imaging;

namespace WebDiffusion.Core.Upscaling;

/// <summary>
/// A1111's <c>Upscaler.upscale</c> for a model: run the model (at most three times) until the image is at least the target
/// size; the caller then resizes to the exact size with Lanczos.
/// </summary>
public static class ModelUpscale
{
    /// <summary>The image upscaled by whole model passes until it covers <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static RgbaImage ToCover(NeuralUpscaler upscaler, RgbaImage image, int width, int height, UpscalerTiling tiling, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upscaler);
        ArgumentNullException.ThrowIfNull(image);
        for (var pass = 0; pass < 3 && (image.Width < width || image.Height < height); pass++)
        {
            var before = (image.Width, image.Height);
            image = upscaler.Upscale(image, tiling, cancellationToken);
            if ((image.Width, image.Height) == before)
            {
                break;
            }
        }

        return image;
    }
}
