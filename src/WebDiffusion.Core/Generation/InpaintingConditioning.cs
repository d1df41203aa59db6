using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Resize;
using WebDiffusion.Core.Sampling.Noise;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// The image side of a pass: the init latent of img2img (resized in latent space for "latent upscale"), the latent mask
/// and its fill (latent noise / latent nothing), and, for an inpainting unet, its extra channels — the mask and the
/// latent of the image with the masked area set to mid-grey (all ones and a flat grey image for txt2img).
/// </summary>
internal sealed class InpaintingConditioning(VaeCodec vae, bool inpaintingUNet)
{
    /// <summary>Extra unet channels of an inpainting unet: the mask (1) and the masked-image latent (C).</summary>
    private int ExtraChannels => 1 + vae.Latent.Channels;

    /// <summary>img2img: encodes the prepared init images (and mask) for a batch of <paramref name="seeds"/>.</summary>
    public ImageConditioning ForInitImages(
        GenerationRequest request, Img2ImgInputs inputs, LatentShape shape, long[] seeds, Func<ImageNoise> newNoise, CancellationToken cancellationToken)
    {
        var batch = seeds.Length;
        var per = shape.Count;
        var plane = shape.Height * shape.Width;
        var images = Enumerable.Range(0, batch).Select(i => inputs.Images[i % inputs.Images.Count]).ToList();
        var init = request.ResizeMode == ResizeMode.LatentUpscale && inputs.Mask is null
            ? EncodeLatentUpscaled(images, shape, cancellationToken)
            : vae.Encode(images, request.Width, request.Height, cancellationToken);
        if (inputs.Mask is null)
        {
            return new ImageConditioning { InitLatent = init };
        }

        // Latent mask: the pixel mask resized to latent size and rounded (A1111's mask_round), 1 = regenerate.
        var latentMask = new float[batch * plane];
        var small = Resampler.Resize(inputs.Mask, shape.Width, shape.Height, ResampleFilter.Bilinear);
        for (var p = 0; p < plane; p++)
        {
            var m = MathF.Round(small.Pixels[p] / 255f);
            for (var i = 0; i < batch; i++)
            {
                latentMask[(i * plane) + p] = m;
            }
        }

        if (request.InpaintingFill is InpaintingFill.LatentNoise or InpaintingFill.LatentNothing)
        {
            var fill = new float[batch * per];
            if (request.InpaintingFill == InpaintingFill.LatentNoise)
            {
                newNoise().First(fill);
            }

            for (var i = 0; i < batch; i++)
            {
                for (var c = 0; c < shape.Channels; c++)
                {
                    for (var p = 0; p < plane; p++)
                    {
                        var k = (((i * shape.Channels) + c) * plane) + p;
                        var m = latentMask[(i * plane) + p];
                        init[k] = (init[k] * (1 - m)) + (fill[k] * m);
                    }
                }
            }
        }

        if (!inpaintingUNet)
        {
            return new ImageConditioning { InitLatent = init, LatentMask = latentMask };
        }

        var masked = images.Select(img => MaskOut(img, inputs.Mask)).ToList();
        var maskedLatent = vae.Encode(masked, request.Width, request.Height, cancellationToken);
        return new ImageConditioning { InitLatent = init, LatentMask = latentMask, ExtraChannels = Extras(latentMask, maskedLatent, batch, shape), ExtraChannelCount = ExtraChannels };
    }

    /// <summary>txt2img with an inpainting unet: an all-ones mask and the latent of a flat mid-grey image; null for other unets.</summary>
    public ImageConditioning? ForTxt2Img(LatentShape shape, int batch, CancellationToken cancellationToken)
    {
        if (!inpaintingUNet)
        {
            return null;
        }

        var f = vae.Latent.ScaleFactor;
        var plane = shape.Height * shape.Width;
        var grey = RgbaImage.Filled(shape.Width * f, shape.Height * f, 128, 128, 128);
        var latent = vae.Encode([.. Enumerable.Repeat(grey, batch)], shape.Width * f, shape.Height * f, cancellationToken);
        var ones = new float[batch * plane];
        ones.AsSpan().Fill(1f);
        return new ImageConditioning { ExtraChannels = Extras(ones, latent, batch, shape), ExtraChannelCount = ExtraChannels };
    }

    /// <summary>Resize mode "latent upscale": encode at the image's own size (floored to the factor), resize the latent.</summary>
    private float[] EncodeLatentUpscaled(List<RgbaImage> images, LatentShape shape, CancellationToken cancellationToken)
    {
        var latent = vae.Latent;
        var (w, h) = (latent.Floor(images[0].Width), latent.Floor(images[0].Height));
        var source = latent.ShapeFor(w, h);
        var cropped = images.Select(i => i.Width % latent.ScaleFactor == 0 && i.Height % latent.ScaleFactor == 0 ? i : i.Crop(new PixelRect(0, 0, latent.Floor(i.Width), latent.Floor(i.Height)))).ToList();
        var small = vae.Encode(cropped, w, h, cancellationToken);
        return LatentResampler.Resize(small, images.Count * shape.Channels, source.Height, source.Width, shape.Height, shape.Width, LatentResampler.Mode.Bilinear);
    }

    /// <summary>Per image: the mask plane, then the masked-image latent.</summary>
    private float[] Extras(float[] mask, float[] maskedLatent, int batch, LatentShape shape)
    {
        var plane = shape.Height * shape.Width;
        var stride = ExtraChannels * plane;
        var extras = new float[batch * stride];
        for (var i = 0; i < batch; i++)
        {
            mask.AsSpan(i * plane, plane).CopyTo(extras.AsSpan(i * stride, plane));
            maskedLatent.AsSpan(i * shape.Count, shape.Count).CopyTo(extras.AsSpan((i * stride) + plane, shape.Count));
        }

        return extras;
    }

    private static RgbaImage MaskOut(RgbaImage image, GrayImage mask)
    {
        var result = image.Clone();
        for (var p = 0; p < mask.Pixels.Length; p++)
        {
            if (mask.Pixels[p] >= 128)
            {
                result.Pixels[(p * 4) + 0] = 128;
                result.Pixels[(p * 4) + 1] = 128;
                result.Pixels[(p * 4) + 2] = 128;
            }
        }

        return result;
    }
}
