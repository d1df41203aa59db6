namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Whether the encoder writes an alpha channel.</summary>
public enum PngAlphaMode
{
    /// <summary>RGBA when any pixel is not fully opaque, RGB otherwise.</summary>
    Auto,

    /// <summary>Always RGB (colour type 2); alpha is dropped.</summary>
    Rgb,

    /// <summary>Always RGBA (colour type 6).</summary>
    Rgba,
}
