using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Onnx.Caching;

/// <summary>
/// Where ORT's optimized copy of a model lives in the cache folder: one file per model content (SHA-256 of the model
/// file and its external-data files), ORT version, execution provider, optimization level and CPU instruction set
/// (ORT's "all" level writes hardware-specific kernels). The optimized model is written under a temporary name and
/// renamed once the session that wrote it was created, so a file under the final name is always complete.
/// </summary>
internal static class OptimizedModelCache
{
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), string> Hashes = new();

    /// <summary>The cache entry of <paramref name="modelPath"/>, or null when the model cannot be hashed (ORT then reports its problem).</summary>
    public static CacheEntry? Find(string folder, string modelPath, string ortVersion, OrtExecutionProvider provider, OrtGraphOptimizationLevel level)
    {
        string hash;
        try
        {
            hash = ContentHash(modelPath);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null;
        }

        var key = string.Join(
            '-',
            Path.GetFileNameWithoutExtension(modelPath),
            hash[..16],
            "ort" + ortVersion,
            provider.ToString().ToLowerInvariant(),
            level.ToString().ToLowerInvariant(),
            InstructionSet());
        var full = Path.GetFullPath(folder);
        return new CacheEntry(
            Path.Combine(full, key + ".onnx"),
            Path.Combine(full, key + ".partial.onnx"),
            key + ".onnx.data");
    }

    /// <summary>SHA-256 (hex) over the model file and the external-data files it names, remembered per file length and time.</summary>
    public static string ContentHash(string modelPath)
    {
        var info = new FileInfo(modelPath);
        return Hashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ => Compute(info.FullName));
    }

    private static string Compute(string modelPath)
    {
        var folder = Path.GetDirectoryName(modelPath)!;
        var external = OnnxModelInspector.ReadSignature(modelPath).ExternalData
            .Select(e => e.Location)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        foreach (var file in external.Select(location => Path.Combine(folder, location)).Prepend(modelPath))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
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

    private static string InstructionSet() =>
        Avx512F.IsSupported ? "avx512"
        : Avx2.IsSupported ? "avx2"
        : System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLower(CultureInfo.InvariantCulture);
}

/// <summary>One optimized model in the cache: its final file, the temporary name ORT writes to, and its weights file name (beside it).</summary>
internal sealed record CacheEntry(string File, string PartialFile, string DataFileName)
{
    /// <summary>Moves a freshly written model to its final name (the weights file already has its final name).</summary>
    public void Commit()
    {
        if (System.IO.File.Exists(PartialFile))
        {
            System.IO.File.Move(PartialFile, File, overwrite: true);
        }
    }

    /// <summary>Removes a cache entry that ORT refused to load.</summary>
    public void Delete()
    {
        TryDelete(File);
        TryDelete(PartialFile);
        TryDelete(Path.Combine(Path.GetDirectoryName(File)!, DataFileName));
    }

    private static void TryDelete(string path)
    {
        try
        {
            System.IO.File.Delete(path);
        }
        catch (IOException)
        {
            // Another process may hold it; the next write replaces it.
        }
    }
}
