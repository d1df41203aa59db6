namespace WebDiffusion.Core.Imaging.Png;

/// <summary>How <see cref="PngEncoder"/> writes a file.</summary>
public sealed record PngEncoderOptions
{
    /// <summary>The defaults: zlib level 6 (PIL's default), adaptive filtering, alpha when needed.</summary>
    public static PngEncoderOptions Default { get; } = new();

    /// <summary>zlib level 0 (store) to 9 (smallest).</summary>
    public int CompressionLevel { get; init; } = 6;

    /// <summary>Chooses each row's filter by the minimum sum of absolute values (true), or writes filter None (false).</summary>
    public bool AdaptiveFiltering { get; init; } = true;

    /// <summary>Whether to write alpha.</summary>
    public PngAlphaMode Alpha { get; init; } = PngAlphaMode.Auto;

    /// <summary>Text chunks written before the image data: tEXt when keyword and text are Latin-1, iTXt (UTF-8) otherwise.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Texts { get; init; } = [];
}
