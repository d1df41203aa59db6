using WebDiffusion.Core.Imaging.Tensors;

namespace WebDiffusion.Core.Imaging.Preview;

/// <summary>
/// A1111's "Approx cheap" live preview: each latent pixel projected to RGB by a fixed matrix, then mapped from [-1, 1]
/// to bytes as a decoded image is. Allocation-free: it writes into the caller's image.
/// </summary>
public sealed class CheapLatentPreviewer : ILatentPreviewer
{
    private readonly LatentRgbFactors _factors;

    /// <summary>Creates a previewer for latents that <paramref name="factors"/> describes (SD 1.x by default).</summary>
    public CheapLatentPreviewer(LatentRgbFactors? factors = null)
    {
        _factors = factors ?? LatentRgbFactors.StableDiffusion1;
    }

    /// <inheritdoc />
    public int Scale => 1;

    /// <inheritdoc />
    public void Render(ReadOnlySpan<float> latent, int channels, int height, int width, RgbaImage destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (channels != _factors.Channels)
        {
            throw new ArgumentException($"This preview expects {_factors.Channels}-channel latents; got {channels}.", nameof(channels));
        }

        var plane = height * width;
        if (latent.Length != channels * plane)
        {
            throw new ArgumentException($"Latent holds {latent.Length} floats; expected {channels}x{height}x{width}.", nameof(latent));
        }

        if (destination.Width != width || destination.Height != height)
        {
            throw new ArgumentException($"Preview image must be {width}x{height}.", nameof(destination));
        }

        var f = _factors;
        var p = destination.Pixels;
        for (var i = 0; i < plane; i++)
        {
            float r = 0, g = 0, b = 0;
            for (var c = 0; c < channels; c++)
            {
                var v = latent[(c * plane) + i];
                r += v * f[c, 0];
                g += v * f[c, 1];
                b += v * f[c, 2];
            }

            p[i * 4] = ImageTensor.ToByte(r);
            p[(i * 4) + 1] = ImageTensor.ToByte(g);
            p[(i * 4) + 2] = ImageTensor.ToByte(b);
            p[(i * 4) + 3] = 255;
        }
    }
}
