namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Limits applied while decoding a PNG; every limit is checked before the data it guards is decompressed.</summary>
public sealed record PngDecoderOptions
{
    /// <summary>The defaults: 64 megapixels, 1 MiB per text chunk, 8 MiB of text in all, 1024 text chunks, 256 MiB per file.</summary>
    public static PngDecoderOptions Default { get; } = new();

    /// <summary>Largest width × height accepted, checked from IHDR before any decompression.</summary>
    public long MaxPixels { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest inflated (or stored) size of one text chunk's text.</summary>
    public int MaxTextChunkBytes { get; init; } = 1024 * 1024;

    /// <summary>Largest total size of all text chunks' text.</summary>
    public long MaxTotalTextBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>Most text chunks (tEXt, zTXt, iTXt) read from one file; A1111, ComfyUI and InvokeAI write one to three.</summary>
    public int MaxTextChunks { get; init; } = 1024;

    /// <summary>Largest file read from a stream.</summary>
    public long MaxFileBytes { get; init; } = 256L * 1024 * 1024;
}
