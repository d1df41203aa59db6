namespace WebDiffusion.Core.Generation;

/// <summary>A1111's img2img resize modes.</summary>
public enum ResizeMode
{
    /// <summary>0: stretch to the target size.</summary>
    JustResize = 0,

    /// <summary>1: scale to cover, then centre-crop.</summary>
    CropAndResize = 1,

    /// <summary>2: scale to fit, centre, fill the bands with stretched edges.</summary>
    ResizeAndFill = 2,

    /// <summary>3: encode at the original size and resize the latent.</summary>
    LatentUpscale = 3,
}
