using System.Numerics.Tensors;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Tensors;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Sampling.Noise;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// Images ↔ unet latents through the model's VAE: encoding multiplies by the latent scale, decoding divides by it and
/// decodes in tiles when the image is large. Sizes follow the model's <see cref="LatentFormat"/>.
/// </summary>
internal sealed class VaeCodec(GenerationContext context)
{
    private readonly ModelSet _model = context.Model;

    /// <summary>The model's latent format.</summary>
    public LatentFormat Latent => _model.Latent;

    /// <summary>VAE-encodes images (each <paramref name="width"/> × <paramref name="height"/>, multiples of the factor) into scaled latents.</summary>
    public float[] Encode(IReadOnlyList<RgbaImage> images, int width, int height, CancellationToken cancellationToken)
    {
        var encoder = _model.VaeEncoder
            ?? throw new NotSupportedException($"The model '{_model.Description.Name}' has no vae_encoder, so img2img, inpainting and image-upscaler hires fix are not available.");
        var shape = Latent.ShapeFor(width, height);
        var pixels = ImageTensor.ToTensor(images);
        var latents = new float[images.Count * shape.Count];
        encoder.Encode(pixels, images.Count, height, width, latents, default, cancellationToken);
        TensorPrimitives.Multiply(latents, _model.Description.LatentScale, latents);
        return latents;
    }

    /// <summary>Decodes <paramref name="batch"/> scaled latents of <paramref name="shape"/> into images.</summary>
    public RgbaImage[] Decode(float[] latent, int batch, LatentShape shape, CancellationToken cancellationToken)
    {
        var f = Latent.ScaleFactor;
        var scaled = new float[latent.Length];
        TensorPrimitives.Divide(latent, _model.Description.LatentScale, scaled);
        var pixels = new float[batch * 3 * shape.Height * f * shape.Width * f];
        TiledVaeDecoder.Decode(_model.VaeDecoder, scaled, batch, shape, context.VaeTileSize, context.VaeTileOverlap, pixels, cancellationToken);
        return ImageTensor.FromTensor(pixels, batch, shape.Height * f, shape.Width * f);
    }
}
