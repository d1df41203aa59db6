namespace WebDiffusion.Onnx;

/// <summary>Finds the ONNX Runtime shared library: explicit path, next to the app, extra folders, the set-up cache.</summary>
public static class OrtLibraryLocator
{
    /// <summary>The ORT version the set-up scripts fetch.</summary>
    public const string SetUpVersion = "1.22.0";

    /// <summary>The platform's library file name (<c>libonnxruntime.so.1</c> on Linux).</summary>
    public static string LibraryFileName =>
        OperatingSystem.IsWindows() ? "onnxruntime.dll"
        : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib"
        : "libonnxruntime.so.1";

    /// <summary>The set-up cache folder relative to a repository root: <c>.cache/onnxruntime/1.22.0/linux-x64</c>.</summary>
    public static string SetUpCacheRelativeFolder => Path.Combine(".cache", "onnxruntime", SetUpVersion, PlatformFolder);

    private static string PlatformFolder =>
        (OperatingSystem.IsWindows() ? "win-" : OperatingSystem.IsMacOS() ? "osx-" : "linux-")
        + System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>The candidate files in search order (the explicit path alone when given).</summary>
    public static IReadOnlyList<string> Candidates(OrtRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.LibraryPath))
        {
            var full = Path.GetFullPath(options.LibraryPath);
            return [Directory.Exists(full) ? Path.Combine(full, LibraryFileName) : full];
        }

        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, LibraryFileName) };
        candidates.AddRange(options.SearchDirectories.Select(d => Path.Combine(Path.GetFullPath(d), LibraryFileName)));
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                candidates.Add(Path.Combine(dir.FullName, SetUpCacheRelativeFolder, LibraryFileName));
            }
        }

        return [.. candidates.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The first existing candidate; <see cref="FileNotFoundException"/> naming every place looked at otherwise.</summary>
    public static string Resolve(OrtRuntimeOptions options)
    {
        var candidates = Candidates(options);
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is not null)
        {
            return found;
        }

        var hint = string.IsNullOrWhiteSpace(options.LibraryPath)
            ? "Run ./webui.sh or ./test.sh (they fetch it), or set WebDiffusion__OnnxRuntimePath."
            : "Check the configured path (WebDiffusion__OnnxRuntimePath / --onnxruntime).";
        throw new FileNotFoundException(
            $"ONNX Runtime library not found; looked at: {string.Join(", ", candidates)}. {hint}", candidates[0]);
    }
}
