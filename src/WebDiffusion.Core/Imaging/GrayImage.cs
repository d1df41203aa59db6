namespace WebDiffusion.Core.Imaging;

/// <summary>An 8-bit single-channel image (masks, edge maps): one byte per pixel, rows top to bottom.</summary>
public sealed class GrayImage
{
    /// <summary>Creates a black image.</summary>
    public GrayImage(int width, int height)
    {
        ImageGuard.CheckSize(width, height);
        Width = width;
        Height = height;
        Pixels = new byte[checked(width * height)];
    }

    /// <summary>Wraps existing bytes (not copied); the length must be width × height.</summary>
    public GrayImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ImageGuard.CheckSize(width, height);
        if (pixels.Length != (long)width * height)
        {
            throw new ArgumentException($"Grey pixel buffer must hold {(long)width * height} bytes for {width}x{height}; it holds {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The bytes, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>The value at (x, y).</summary>
    public byte this[int x, int y]
    {
        get => Pixels[(y * Width) + x];
        set => Pixels[(y * Width) + x] = value;
    }

    /// <summary>A deep copy.</summary>
    public GrayImage Clone() => new(Width, Height, (byte[])Pixels.Clone());

    /// <summary>An opaque RGBA view of this image (R = G = B = value).</summary>
    public RgbaImage ToRgba()
    {
        var result = new RgbaImage(Width, Height);
        var d = result.Pixels;
        for (var i = 0; i < Pixels.Length; i++)
        {
            var v = Pixels[i];
            d[i * 4] = v;
            d[(i * 4) + 1] = v;
            d[(i * 4) + 2] = v;
            d[(i * 4) + 3] = 255;
        }

        return result;
    }

    /// <summary>Copies a rectangle out of this image; parts outside are 0.</summary>
    public GrayImage Crop(PixelRect rect)
    {
        var result = new GrayImage(rect.Width, rect.Height);
        var x0 = Math.Max(rect.X, 0);
        var x1 = Math.Min(rect.Right, Width);
        if (x1 <= x0)
        {
            return result;
        }

        for (var y = Math.Max(rect.Y, 0); y < Math.Min(rect.Bottom, Height); y++)
        {
            Pixels.AsSpan((y * Width) + x0, x1 - x0).CopyTo(result.Pixels.AsSpan(((y - rect.Y) * rect.Width) + (x0 - rect.X)));
        }

        return result;
    }
}
