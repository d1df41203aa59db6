namespace WebDiffusion.Core.Imaging;

/// <summary>Argument checks shared by the image types.</summary>
internal static class ImageGuard
{
    /// <summary>Largest side accepted by the image types.</summary>
    public const int MaxSide = 1 << 16;

    public static void CheckSize(int width, int height)
    {
        if (width <= 0 || height <= 0 || width > MaxSide || height > MaxSide)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}x{height} is invalid: each side must be between 1 and {MaxSide}.");
        }

        if ((long)width * height > int.MaxValue / 4)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}x{height} is too large to hold in memory.");
        }
    }
}
