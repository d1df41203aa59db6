namespace WebDiffusion.Core.Imaging.Resize;

/// <summary>A1111's img2img resize modes (<c>images.resize_image</c>).</summary>
public enum ResizeMode
{
    /// <summary>0: stretch to the target size.</summary>
    JustResize = 0,

    /// <summary>1: scale to cover the target and centre-crop.</summary>
    CropAndResize = 1,

    /// <summary>2: scale to fit, centre, and fill the empty bands by stretching the edge rows/columns.</summary>
    ResizeAndFill = 2,

    /// <summary>3: latent upscale; for pixel images this is the same as <see cref="JustResize"/>.</summary>
    LatentUpscale = 3,
}
