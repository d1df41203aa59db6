using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Codecs;
using WebDiffusion.Core.Imaging.Compositing;
using WebDiffusion.Core.Imaging.Filters;
using WebDiffusion.Core.Imaging.Masks;
using WebDiffusion.Core.Imaging.Resize;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// The pixel side of img2img and inpainting, as A1111's StableDiffusionProcessingImg2Img.init: init images flattened
/// onto white and fitted to the processing size; the mask binarised (and fitted to the first init image when its size
/// differs, as A1111 does), inverted, blurred, and either cropped to the
/// masked region ("only masked") or resized with the image; the overlay that pastes original pixels back.
/// </summary>
public sealed class Img2ImgInputs
{
    private Img2ImgInputs(IReadOnlyList<RgbaImage> images, GrayImage? mask, PixelRect? pasteTo, IReadOnlyList<RgbaImage> overlays, int sourceWidth, int sourceHeight)
    {
        Images = images;
        Mask = mask;
        PasteTo = pasteTo;
        Overlays = overlays;
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
    }

    /// <summary>Init images at the processing size (or at their own size for latent upscale), one per distinct upload.</summary>
    public IReadOnlyList<RgbaImage> Images { get; }

    /// <summary>Processed mask at the processing size (255 = regenerate), or null.</summary>
    public GrayImage? Mask { get; }

    /// <summary>Where the result is pasted back in the original ("only masked"), or null.</summary>
    public PixelRect? PasteTo { get; }

    /// <summary>Overlays (original pixels outside the mask) per init image; empty without a mask.</summary>
    public IReadOnlyList<RgbaImage> Overlays { get; }

    /// <summary>Width of the first uploaded image.</summary>
    public int SourceWidth { get; }

    /// <summary>Height of the first uploaded image.</summary>
    public int SourceHeight { get; }

    /// <summary>Decodes and prepares the request's images.</summary>
    public static Img2ImgInputs Prepare(GenerationRequest request, long maxPixels)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.InitImages.Count == 0)
        {
            throw new ArgumentException("img2img needs an init image.");
        }

        var originals = request.InitImages.Select((bytes, i) => Decode(bytes, maxPixels, $"init image {i}")).ToList();
        var (sourceWidth, sourceHeight) = (originals[0].Width, originals[0].Height);
        var width = request.Width;
        var height = request.Height;
        GrayImage? mask = null;
        PixelRect? pasteTo = null;
        var overlays = new List<RgbaImage>();
        if (request.Mask is not null)
        {
            // Not flattened: A1111's create_binary_mask reads a non-opaque mask by its alpha (opaque = regenerate).
            var rawMask = Decode(request.Mask, maxPixels, "mask", flatten: false);
            var m = MaskOperations.CreateBinaryMask(rawMask);
            if (m.Width != sourceWidth || m.Height != sourceHeight)
            {
                // A1111 accepts a mask of another size: it is fitted to the init image with the request's resize mode.
                m = A1111Resize.ResizeMask(request.ResizeMode == ResizeMode.LatentUpscale ? ResizeMode.JustResize : request.ResizeMode, m, sourceWidth, sourceHeight);
            }

            if (request.InpaintingMaskInvert)
            {
                m = MaskOperations.Invert(m);
            }

            if (request.MaskBlur > 0)
            {
                m = GaussianBlur.BlurMask(m, request.MaskBlur, request.MaskBlur);
            }

            if (request.InpaintFullRes && CropRegion.Find(m, request.InpaintFullResPadding) is { } region)
            {
                var crop = CropRegion.Expand(region, width, height, m.Width, m.Height);
                pasteTo = crop;
                foreach (var original in originals)
                {
                    overlays.Add(InpaintCompositor.CreateOverlay(original, m));
                }

                mask = A1111Resize.ResizeMask(ResizeMode.ResizeAndFill, m.Crop(crop), width, height);
                originals = [.. originals.Select(o => A1111Resize.ResizeImage(ResizeMode.ResizeAndFill, o.Crop(crop), width, height))];
            }
            else
            {
                mask = A1111Resize.ResizeMask(request.ResizeMode == ResizeMode.LatentUpscale ? ResizeMode.JustResize : request.ResizeMode, m, width, height);
                var strengthened = MaskOperations.Strengthen(mask);
                originals = [.. originals.Select(o => Fit(request.ResizeMode, o, width, height))];
                foreach (var fitted in originals)
                {
                    overlays.Add(InpaintCompositor.CreateOverlay(fitted, strengthened));
                }
            }

            if (request.InpaintingFill == InpaintingFill.Fill)
            {
                originals = [.. originals.Select(o => FillMasked(o, mask))];
            }
        }
        else
        {
            originals = [.. originals.Select(o => request.ResizeMode == ResizeMode.LatentUpscale ? o : Fit(request.ResizeMode, o, width, height))];
        }

        return new Img2ImgInputs(originals, mask, pasteTo, overlays, sourceWidth, sourceHeight);
    }

    /// <summary>Pastes the original pixels back over a generated image (inpainting), or returns it unchanged.</summary>
    public RgbaImage Finish(RgbaImage generated, int imageIndex)
    {
        ArgumentNullException.ThrowIfNull(generated);
        return Overlays.Count == 0 ? generated : InpaintCompositor.ApplyOverlay(generated, PasteTo, Overlays[imageIndex % Overlays.Count]);
    }

    private static RgbaImage Fit(ResizeMode mode, RgbaImage image, int width, int height) =>
        image.Width == width && image.Height == height ? image : A1111Resize.ResizeImage(mode == ResizeMode.LatentUpscale ? ResizeMode.JustResize : mode, image, width, height);

    private static RgbaImage Decode(byte[] bytes, long maxPixels, string what, bool flatten = true)
    {
        try
        {
            var image = UploadedImageDecoder.Decode(bytes, maxPixels);
            return flatten ? FlattenOnWhite(image) : image;
        }
        catch (InvalidImageException ex)
        {
            throw new ArgumentException($"The {what} is not a usable {UploadFormats.Sniff(bytes) ?? "PNG"}: {ex.Message}", ex);
        }
    }

    /// <summary>A1111 flattens transparent init images onto the background colour (#ffffff).</summary>
    private static RgbaImage FlattenOnWhite(RgbaImage image)
    {
        if (image.IsOpaque())
        {
            return image;
        }

        var result = RgbaImage.Filled(image.Width, image.Height, 255, 255, 255);
        AlphaCompositor.Over(result, image);
        return result;
    }

    /// <summary>
    /// "Fill": replaces the masked area with a blurred spread of its surroundings, by repeatedly blurring and putting the
    /// unmasked pixels back (a simplification of A1111's masking.fill with the same radii).
    /// </summary>
    private static RgbaImage FillMasked(RgbaImage image, GrayImage mask)
    {
        var current = image.Clone();
        foreach (var radius in new[] { 256.0, 64, 16, 16, 4, 4, 4, 4, 2, 2 })
        {
            var blurred = GaussianBlur.Blur(current, Math.Min(radius, Math.Max(image.Width, image.Height) / 2.0));
            var px = blurred.Pixels;
            var orig = image.Pixels;
            for (var i = 0; i < mask.Pixels.Length; i++)
            {
                if (mask.Pixels[i] < 128)
                {
                    px[(i * 4) + 0] = orig[(i * 4) + 0];
                    px[(i * 4) + 1] = orig[(i * 4) + 1];
                    px[(i * 4) + 2] = orig[(i * 4) + 2];
                }

                px[(i * 4) + 3] = 255;
            }

            current = blurred;
        }

        return current;
    }
}
