namespace WebDiffusion.Core.Imaging;

/// <summary>An 8-bit RGBA image: <see cref="Pixels"/> holds rows top to bottom, 4 bytes per pixel (R, G, B, A).</summary>
public sealed class RgbaImage
{
    /// <summary>Bytes per pixel.</summary>
    public const int Channels = 4;

    /// <summary>Creates a transparent black image.</summary>
    public RgbaImage(int width, int height)
    {
        ImageGuard.CheckSize(width, height);
        Width = width;
        Height = height;
        Pixels = new byte[checked(width * height * Channels)];
    }

    /// <summary>Wraps existing RGBA bytes (not copied); the length must be width × height × 4.</summary>
    public RgbaImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ImageGuard.CheckSize(width, height);
        if (pixels.Length != (long)width * height * Channels)
        {
            throw new ArgumentException($"RGBA pixel buffer must hold {(long)width * height * Channels} bytes for {width}x{height}; it holds {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The RGBA bytes, row-major, <c>Width * 4</c> bytes per row.</summary>
    public byte[] Pixels { get; }

    /// <summary>Bytes per row.</summary>
    public int Stride => Width * Channels;

    /// <summary>The bytes of row <paramref name="y"/>.</summary>
    public Span<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);

    /// <summary>True when every alpha byte is 255.</summary>
    public bool IsOpaque()
    {
        var p = Pixels;
        for (var i = 3; i < p.Length; i += 4)
        {
            if (p[i] != 255)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A deep copy.</summary>
    public RgbaImage Clone() => new(Width, Height, (byte[])Pixels.Clone());

    /// <summary>Creates an opaque image filled with one colour.</summary>
    public static RgbaImage Filled(int width, int height, byte r, byte g, byte b, byte a = 255)
    {
        var image = new RgbaImage(width, height);
        var p = image.Pixels;
        for (var i = 0; i < p.Length; i += 4)
        {
            p[i] = r;
            p[i + 1] = g;
            p[i + 2] = b;
            p[i + 3] = a;
        }

        return image;
    }

    /// <summary>Builds an opaque RGBA image from packed RGB bytes (3 per pixel).</summary>
    public static RgbaImage FromRgb(int width, int height, ReadOnlySpan<byte> rgb)
    {
        var image = new RgbaImage(width, height);
        if (rgb.Length != (long)width * height * 3)
        {
            throw new ArgumentException($"RGB buffer must hold {(long)width * height * 3} bytes for {width}x{height}; it holds {rgb.Length}.", nameof(rgb));
        }

        var p = image.Pixels;
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            p[i] = rgb[j];
            p[i + 1] = rgb[j + 1];
            p[i + 2] = rgb[j + 2];
            p[i + 3] = 255;
        }

        return image;
    }

    /// <summary>Copies a rectangle out of this image; parts outside the image are transparent black.</summary>
    public RgbaImage Crop(PixelRect rect)
    {
        var result = new RgbaImage(rect.Width, rect.Height);
        var x0 = Math.Max(rect.X, 0);
        var x1 = Math.Min(rect.Right, Width);
        if (x1 <= x0)
        {
            return result;
        }

        for (var y = Math.Max(rect.Y, 0); y < Math.Min(rect.Bottom, Height); y++)
        {
            Pixels.AsSpan((y * Width + x0) * 4, (x1 - x0) * 4)
                .CopyTo(result.Pixels.AsSpan((((y - rect.Y) * rect.Width) + (x0 - rect.X)) * 4));
        }

        return result;
    }
}
