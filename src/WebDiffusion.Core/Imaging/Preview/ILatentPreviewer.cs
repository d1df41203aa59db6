namespace WebDiffusion.Core.Imaging.Preview;

/// <summary>Turns a latent (C, H, W) into a small RGBA preview image during sampling.</summary>
public interface ILatentPreviewer
{
    /// <summary>Output pixels per latent pixel along each axis (1 for the linear projection, 8 for a TAESD decoder).</summary>
    int Scale { get; }

    /// <summary>
    /// Renders <paramref name="latent"/> (channels × height × width floats, in the sampler's scaled latent space) into
    /// <paramref name="destination"/>, which must be (width × <see cref="Scale"/>) × (height × <see cref="Scale"/>).
    /// </summary>
    void Render(ReadOnlySpan<float> latent, int channels, int height, int width, RgbaImage destination);
}
