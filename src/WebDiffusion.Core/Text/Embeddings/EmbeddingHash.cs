using System.Security.Cryptography;

namespace WebDiffusion.Core.Text.Embeddings;

/// <summary>A1111's textual-inversion hash: the SHA-256 of the whole file, its first 12 hex digits ("TI hashes" in the infotext).</summary>
public static class EmbeddingHash
{
    /// <summary>The 12-hex short hash of the file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string ShortHash(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
    }
}
