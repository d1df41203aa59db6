namespace WebDiffusion.Core.Imaging.Png;

/// <summary>The fields of a PNG IHDR chunk.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="BitDepth">Bits per sample (or per palette index).</param>
/// <param name="ColorType">Colour type.</param>
/// <param name="Interlaced">True for Adam7 interlacing.</param>
public readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    /// <summary>Width × height.</summary>
    public long PixelCount => (long)Width * Height;

    /// <summary>Samples per pixel for the colour type.</summary>
    public int SamplesPerPixel => ColorType switch
    {
        PngColorType.Grayscale => 1,
        PngColorType.Rgb => 3,
        PngColorType.Palette => 1,
        PngColorType.GrayscaleAlpha => 2,
        _ => 4,
    };

    /// <summary>Bits per pixel in a scanline.</summary>
    public int BitsPerPixel => SamplesPerPixel * BitDepth;

    /// <summary>Bytes in one filtered scanline (without the filter byte) for a row of <paramref name="width"/> pixels.</summary>
    public long RowBytes(int width) => (((long)width * BitsPerPixel) + 7) / 8;
}
