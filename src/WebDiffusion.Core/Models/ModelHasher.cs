using System.Security.Cryptography;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Models;

/// <summary>
/// Model hashes. A1111's checkpoint hash is the SHA-256 of the file and its short hash the first 10 hex digits.
/// For a diffusers ONNX folder we define the hash as the SHA-256 of the bytes of <c>unet/model.onnx</c> followed by
/// the bytes of each external weights file it references (distinct files, in order of first reference), and the
/// short hash as its first 10 lowercase hex digits. For a unet with inline weights this is exactly A1111's short
/// hash of unet/model.onnx; the unet is the part that makes one fine-tune differ from another.
/// </summary>
public static class ModelHasher
{
    /// <summary>Length of the short hash.</summary>
    public const int ShortLength = 10;

    /// <summary>The files the hash of a model folder covers, in hashing order.</summary>
    public static IReadOnlyList<string> HashedFiles(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var unet = Path.Combine(folder, ModelComponents.UNet, ModelComponents.ModelFileName);
        var files = new List<string> { unet };
        var signature = OnnxModelInspector.ReadSignature(unet);
        foreach (var group in signature.ExternalData.GroupBy(r => r.Location, StringComparer.Ordinal))
        {
            files.Add(ExternalDataLocation.Resolve(unet, group.Key, group.First().TensorName));
        }

        return files;
    }

    /// <summary>Full lowercase hex SHA-256 over the concatenated bytes of <paramref name="files"/>.</summary>
    public static string Sha256(IReadOnlyList<string> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The short form (first 10 hex digits) of a full hash.</summary>
    public static string Short(string fullHash)
    {
        ArgumentNullException.ThrowIfNull(fullHash);
        return fullHash.Length >= ShortLength ? fullHash[..ShortLength] : throw new ArgumentException("Not a SHA-256 hex string.", nameof(fullHash));
    }
}
