using System.Security.Cryptography;
using System.Text;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Onnx.Caching;

/// <summary>SHA-256 over an ONNX model file and the external-data files it names (each preceded by its file name).</summary>
internal static class ModelContentHasher
{
    /// <summary>The model file followed by the external-data files it names, in name order (missing ones included).</summary>
    public static IReadOnlyList<string> CoveredFiles(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        var folder = Path.GetDirectoryName(full)!;
        return [full, .. OnnxModelInspector.ReadSignature(full).ExternalData
            .Select(e => e.Location)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(location => Path.GetFullPath(Path.Combine(folder, location)))];
    }

    /// <summary>The hex SHA-256 of <paramref name="files"/>' names and contents; a missing file adds its name only.</summary>
    public static string Sha256(IReadOnlyList<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            if (!File.Exists(file))
            {
                continue;
            }

            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer.AsSpan(0, read));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
