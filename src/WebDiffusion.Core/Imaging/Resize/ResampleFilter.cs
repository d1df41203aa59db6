namespace WebDiffusion.Core.Imaging.Resize;

/// <summary>Resampling filters with PIL's definitions (supports 0.5, 1, 2, 3).</summary>
public enum ResampleFilter
{
    /// <summary>Nearest neighbour (PIL NEAREST: source pixel floor((x + 0.5) × scale)).</summary>
    Nearest,

    /// <summary>Triangle filter, support 1 (PIL BILINEAR), antialiased when downscaling.</summary>
    Bilinear,

    /// <summary>Keys cubic with a = -0.5, support 2 (PIL BICUBIC), antialiased when downscaling.</summary>
    Bicubic,

    /// <summary>Lanczos with 3 lobes, support 3 (PIL LANCZOS), antialiased when downscaling.</summary>
    Lanczos3,
}
