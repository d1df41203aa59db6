namespace WebDiffusion.Core.Imaging;

/// <summary>A pixel rectangle: left/top inclusive, <see cref="Right"/>/<see cref="Bottom"/> exclusive (PIL box order).</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    /// <summary>Exclusive right edge.</summary>
    public int Right => X + Width;

    /// <summary>Exclusive bottom edge.</summary>
    public int Bottom => Y + Height;

    /// <summary>Builds a rectangle from a PIL-style box (x1, y1, x2, y2), x2/y2 exclusive.</summary>
    public static PixelRect FromBox(int x1, int y1, int x2, int y2) => new(x1, y1, x2 - x1, y2 - y1);
}
