using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace WebDiffusion.Onnx.Caching;

/// <summary>
/// Where ORT's optimized copy of a model lives in the cache folder: one file per model content (SHA-256 of the model
/// file and its external-data files), ORT version, execution provider, optimization level and CPU instruction set
/// (ORT's "all" level writes hardware-specific kernels); the model's hash is kept in <see cref="ModelHashSidecar"/> so a
/// restarted process does not read the weights again. The optimized model is written under a temporary name and
/// renamed once the session that wrote it was created, so a file under the final name is always complete.
/// </summary>
internal static class OptimizedModelCache
{
    /// <summary>The cache entry of <paramref name="modelPath"/>, or null when the model cannot be hashed (ORT then reports its problem).</summary>
    public static CacheEntry? Find(string folder, string modelPath, string ortVersion, OrtExecutionProvider provider, OrtGraphOptimizationLevel level)
    {
        string hash;
        try
        {
            hash = ModelHashSidecar.For(folder).Hash(modelPath);
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
