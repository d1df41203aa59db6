namespace WebDiffusion.Core.Imaging.Tiling;

/// <summary>
/// Reassembles processed tiles into one planar float image (C, H, W), feathering overlaps with linear ramps so seams vanish.
/// Works for pixels (tiled upscale) and latents (tiled VAE) alike.
/// </summary>
public sealed class TileBlender
{
    private readonly float[] _sum;
    private readonly float[] _weight;

    /// <summary>Creates an empty canvas of <paramref name="channels"/> × <paramref name="height"/> × <paramref name="width"/>.</summary>
    public TileBlender(int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ImageGuard.CheckSize(width, height);
        Channels = channels;
        Height = height;
        Width = width;
        _sum = new float[checked(channels * height * width)];
        _weight = new float[height * width];
    }

    /// <summary>Channels.</summary>
    public int Channels { get; }

    /// <summary>Height.</summary>
    public int Height { get; }

    /// <summary>Width.</summary>
    public int Width { get; }

    /// <summary>
    /// Adds a planar tile (C, rect.Height, rect.Width) at <paramref name="rect"/>. Its weight ramps linearly from the tile edge
    /// over <paramref name="feather"/> pixels, except along edges that touch the canvas border.
    /// </summary>
    public void Add(ReadOnlySpan<float> tile, PixelRect rect, int feather)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(feather);
        if (tile.Length != Channels * rect.Width * rect.Height)
        {
            throw new ArgumentException($"Tile holds {tile.Length} values; expected {Channels}x{rect.Height}x{rect.Width}.", nameof(tile));
        }

        if (rect.X < 0 || rect.Y < 0 || rect.Right > Width || rect.Bottom > Height)
        {
            throw new ArgumentOutOfRangeException(nameof(rect), "Tile lies outside the canvas.");
        }

        var plane = Height * Width;
        for (var ty = 0; ty < rect.Height; ty++)
        {
            var wy = Ramp(ty, rect.Height, feather, rect.Y == 0, rect.Bottom == Height);
            for (var tx = 0; tx < rect.Width; tx++)
            {
                var w = wy * Ramp(tx, rect.Width, feather, rect.X == 0, rect.Right == Width);
                var o = ((rect.Y + ty) * Width) + rect.X + tx;
                _weight[o] += w;
                for (var c = 0; c < Channels; c++)
                {
                    _sum[(c * plane) + o] += w * tile[(((c * rect.Height) + ty) * rect.Width) + tx];
                }
            }
        }
    }

    /// <summary>Adds an RGBA tile (as 4 planar channels of 0..255 values); the blender must have 4 channels.</summary>
    public void Add(RgbaImage tile, PixelRect rect, int feather)
    {
        ArgumentNullException.ThrowIfNull(tile);
        if (Channels != 4 || tile.Width != rect.Width || tile.Height != rect.Height)
        {
            throw new ArgumentException("RGBA tiles need a 4-channel blender and a rect of the tile's size.", nameof(tile));
        }

        var planar = new float[4 * tile.Width * tile.Height];
        var n = tile.Width * tile.Height;
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < 4; c++)
            {
                planar[(c * n) + i] = tile.Pixels[(i * 4) + c];
            }
        }

        Add(planar, rect, feather);
    }

    /// <summary>Writes the weighted average into <paramref name="destination"/> (C, H, W); uncovered pixels are 0.</summary>
    public void Result(Span<float> destination)
    {
        if (destination.Length != _sum.Length)
        {
            throw new ArgumentException($"Destination must hold {_sum.Length} values.", nameof(destination));
        }

        var plane = Height * Width;
        for (var c = 0; c < Channels; c++)
        {
            for (var i = 0; i < plane; i++)
            {
                destination[(c * plane) + i] = _weight[i] > 0 ? _sum[(c * plane) + i] / _weight[i] : 0f;
            }
        }
    }

    /// <summary>The blended result as an RGBA image (4-channel blender of 0..255 values, rounded and clamped).</summary>
    public RgbaImage ToRgbaImage()
    {
        if (Channels != 4)
        {
            throw new InvalidOperationException("Only a 4-channel blender can produce an RGBA image.");
        }

        var planar = new float[_sum.Length];
        Result(planar);
        var image = new RgbaImage(Width, Height);
        var n = Width * Height;
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < 4; c++)
            {
                image.Pixels[(i * 4) + c] = (byte)Math.Clamp(MathF.Round(planar[(c * n) + i]), 0, 255);
            }
        }

        return image;
    }

    private static float Ramp(int i, int length, int feather, bool startAtBorder, bool endAtBorder)
    {
        if (feather == 0)
        {
            return 1f;
        }

        var w = 1f;
        if (!startAtBorder)
        {
            w = Math.Min(w, (i + 0.5f) / feather);
        }

        if (!endAtBorder)
        {
            w = Math.Min(w, (length - i - 0.5f) / feather);
        }

        return w;
    }
}
