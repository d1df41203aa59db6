using System.IO.Compression;

namespace WebDiffusion.Core.Imaging.Png;

/// <summary>How <see cref="PngEncoder"/> writes a file.</summary>
public sealed record PngEncoderOptions
{
    /// <summary>The defaults: run-length zlib (fast, about level 6's size on generated images), adaptive filtering, alpha when needed.</summary>
    public static PngEncoderOptions Default { get; } = new();

    /// <summary>zlib level 0 (store) to 9 (smallest). With <see cref="ZLibCompressionStrategy.RunLengthEncoding"/> any level above 0 gives the same output.</summary>
    public int CompressionLevel { get; init; } = 6;

    /// <summary>
    /// How zlib looks for repeats. <see cref="ZLibCompressionStrategy.RunLengthEncoding"/> (the default) matches only runs,
    /// which is what filtered image rows mostly repeat: on generated pictures and photos it comes within about 1% of
    /// level 6's size at several times the speed. <see cref="ZLibCompressionStrategy.Default"/> lets
    /// <see cref="CompressionLevel"/> decide how hard to search (level 9 for the smallest files of flat, repetitive art).
    /// </summary>
    public ZLibCompressionStrategy CompressionStrategy { get; init; } = ZLibCompressionStrategy.RunLengthEncoding;

    /// <summary>Chooses each row's filter by the minimum sum of absolute values (true), or writes filter None (false).</summary>
    public bool AdaptiveFiltering { get; init; } = true;

    /// <summary>Whether to write alpha.</summary>
    public PngAlphaMode Alpha { get; init; } = PngAlphaMode.Auto;

    /// <summary>
    /// At most how many threads filter and compress bands of a large image at once (-1: one per processor). The bytes
    /// written do not depend on it: bands are fixed by the image size and joined into one standard zlib stream.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>Text chunks written before the image data: tEXt when keyword and text are Latin-1, iTXt (UTF-8) otherwise.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Texts { get; init; } = [];
}
