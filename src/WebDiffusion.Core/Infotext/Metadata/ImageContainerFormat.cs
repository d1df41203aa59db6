namespace WebDiffusion.Core.Infotext.Metadata;

/// <summary>The container an image's metadata was read from.</summary>
public enum ImageContainerFormat
{
    /// <summary>PNG.</summary>
    Png,

    /// <summary>JPEG (EXIF in APP1).</summary>
    Jpeg,

    /// <summary>WebP (RIFF EXIF chunk).</summary>
    WebP,
}
