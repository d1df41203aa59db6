namespace WebDiffusion.Core.Imaging.Png;

/// <summary>The PNG colour type byte of IHDR.</summary>
public enum PngColorType : byte
{
    /// <summary>Greyscale (bit depths 1, 2, 4, 8, 16).</summary>
    Grayscale = 0,

    /// <summary>RGB (bit depths 8, 16).</summary>
    Rgb = 2,

    /// <summary>Palette indices (bit depths 1, 2, 4, 8), with an optional tRNS alpha table.</summary>
    Palette = 3,

    /// <summary>Greyscale with alpha (bit depths 8, 16).</summary>
    GrayscaleAlpha = 4,

    /// <summary>RGBA (bit depths 8, 16).</summary>
    Rgba = 6,
}
