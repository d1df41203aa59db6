using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Resize;

namespace WebDiffusion.Core.Upscaling;

/// <summary>
/// The model upscalers by A1111 name (<see cref="UpscalerCatalog"/>), run through one <see cref="NeuralUpscalerCache"/>
/// and serialized (one model upscale at a time): A1111's <c>resize_image(0, …, upscaler_name)</c> for a model — model
/// passes until the target is covered, then Lanczos to the exact size.
/// </summary>
public sealed class ModelUpscalers(UpscalerCatalog catalog, NeuralUpscalerCache cache)
{
    private readonly Lock _gate = new();

    /// <summary>The catalog.</summary>
    public UpscalerCatalog Catalog { get; } = catalog;

    /// <summary>Whether a model upscaler called <paramref name="name"/> is present.</summary>
    public bool Has(string name) => Catalog.Find(name) is not null;

    /// <summary>Upscales <paramref name="image"/> with the model called <paramref name="name"/> to exactly <paramref name="width"/> × <paramref name="height"/>.</summary>
    /// <exception cref="ArgumentException">No such model.</exception>
    /// <exception cref="Checkpoints.CheckpointFormatException">The file is malformed, refused or not a supported upscaler.</exception>
    public RgbaImage Resize(string name, RgbaImage image, int width, int height, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var entry = Catalog.Find(name) ?? throw new ArgumentException($"No upscaler model '{name}' in models/ESRGAN or models/RealESRGAN.", nameof(name));
        RgbaImage result;
        lock (_gate)
        {
            result = ModelUpscale.ToCover(cache.Get(entry.Path), image, width, height, UpscalerTiling.Default, cancellationToken);
        }

        return result.Width == width && result.Height == height ? result : Resampler.Resize(result, width, height, ResampleFilter.Lanczos3);
    }
}
