using WebDiffusion.Core.Imaging.Compositing;

namespace WebDiffusion.Core.Imaging.Resize;

/// <summary>A1111's <c>images.resize_image</c>: the four img2img resize modes, Lanczos by default.</summary>
public static class A1111Resize
{
    /// <summary>
    /// Resizes <paramref name="image"/> to <paramref name="width"/> × <paramref name="height"/> with <paramref name="mode"/>.
    /// Modes 1 and 2 build an opaque result (A1111 pastes onto a new RGB image); mode 0/3 keep alpha.
    /// </summary>
    public static RgbaImage ResizeImage(ResizeMode mode, RgbaImage image, int width, int height, ResampleFilter filter = ResampleFilter.Lanczos3)
    {
        ArgumentNullException.ThrowIfNull(image);
        ImageGuard.CheckSize(width, height);
        if (mode is ResizeMode.JustResize or ResizeMode.LatentUpscale)
        {
            return ResizeTo(image, width, height, filter);
        }

        var ratio = (double)width / height;
        var sourceRatio = (double)image.Width / image.Height;
        int srcW, srcH;
        if (mode == ResizeMode.CropAndResize)
        {
            srcW = ratio > sourceRatio ? width : image.Width * height / image.Height;
            srcH = ratio <= sourceRatio ? height : image.Height * width / image.Width;
        }
        else
        {
            srcW = ratio < sourceRatio ? width : image.Width * height / image.Height;
            srcH = ratio >= sourceRatio ? height : image.Height * width / image.Width;
        }

        srcW = Math.Max(srcW, 1);
        srcH = Math.Max(srcH, 1);
        var resized = ResizeTo(image, srcW, srcH, filter);
        var result = RgbaImage.Filled(width, height, 0, 0, 0);
        var opaque = Opaque(resized);
        AlphaCompositor.Paste(result, opaque, (width / 2) - (srcW / 2), (height / 2) - (srcH / 2));
        if (mode != ResizeMode.ResizeAndFill)
        {
            return result;
        }

        if (ratio < sourceRatio)
        {
            var fillHeight = (height / 2) - (srcH / 2);
            if (fillHeight > 0)
            {
                var top = Resampler.Resize(opaque, new SourceBox(0, 0, width, 0), width, fillHeight, filter);
                var bottom = Resampler.Resize(opaque, new SourceBox(0, opaque.Height, width, opaque.Height), width, fillHeight, filter);
                AlphaCompositor.Paste(result, top, 0, 0);
                AlphaCompositor.Paste(result, bottom, 0, fillHeight + srcH);
            }
        }
        else if (ratio > sourceRatio)
        {
            var fillWidth = (width / 2) - (srcW / 2);
            if (fillWidth > 0)
            {
                var left = Resampler.Resize(opaque, new SourceBox(0, 0, 0, height), fillWidth, height, filter);
                var right = Resampler.Resize(opaque, new SourceBox(opaque.Width, 0, opaque.Width, height), fillWidth, height, filter);
                AlphaCompositor.Paste(result, left, 0, 0);
                AlphaCompositor.Paste(result, right, fillWidth + srcW, 0);
            }
        }

        return result;
    }

    /// <summary>The same modes for a single-channel mask (A1111 resizes masks with Lanczos).</summary>
    public static GrayImage ResizeMask(ResizeMode mode, GrayImage mask, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var rgba = ResizeImage(mode, mask.ToRgba(), width, height, ResampleFilter.Lanczos3);
        var result = new GrayImage(width, height);
        for (var i = 0; i < result.Pixels.Length; i++)
        {
            result.Pixels[i] = rgba.Pixels[i * 4];
        }

        return result;
    }

    private static RgbaImage ResizeTo(RgbaImage image, int width, int height, ResampleFilter filter) =>
        image.Width == width && image.Height == height ? image.Clone() : Resampler.Resize(image, width, height, filter);

    private static RgbaImage Opaque(RgbaImage image)
    {
        if (image.IsOpaque())
        {
            return image;
        }

        var copy = image.Clone();
        for (var i = 3; i < copy.Pixels.Length; i += 4)
        {
            copy.Pixels[i] = 255;
        }

        return copy;
    }
}
