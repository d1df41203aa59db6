namespace WebDiffusion.Core.Imaging.Png;

/// <summary>The five PNG scanline filters.</summary>
internal enum PngFilterType : byte
{
    None = 0,
    Sub = 1,
    Up = 2,
    Average = 3,
    Paeth = 4,
}
