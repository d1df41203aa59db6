namespace WebDiffusion.Core.Checkpoints.Pickle;

/// <summary>One entry of the zip container <c>torch.save</c> writes, as its central directory describes it.</summary>
/// <param name="Name">The entry name, e.g. <c>archive/data.pkl</c>.</param>
/// <param name="Method">Compression method (0 stored, 8 deflate; others are refused on read).</param>
/// <param name="CompressedSize">Bytes stored in the file.</param>
/// <param name="Size">Bytes after decompression.</param>
/// <param name="LocalHeaderOffset">Offset of the entry's local header in the file.</param>
public sealed record TorchZipEntry(string Name, int Method, long CompressedSize, long Size, long LocalHeaderOffset);
