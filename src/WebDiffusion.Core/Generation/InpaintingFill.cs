namespace WebDiffusion.Core.Generation;

/// <summary>A1111's "Masked content" (<c>inpainting_fill</c>).</summary>
public enum InpaintingFill
{
    /// <summary>0: fill the masked area with a blurred spread of its surroundings.</summary>
    Fill = 0,

    /// <summary>1: keep the original pixels.</summary>
    Original = 1,

    /// <summary>2: replace the masked latent with noise.</summary>
    LatentNoise = 2,

    /// <summary>3: set the masked latent to zero.</summary>
    LatentNothing = 3,
}
