namespace WebDiffusion.Onnx.Package;

/// <summary>Where the process mapped ONNX Runtime's native library from (read from <c>/proc/self/maps</c> on Linux).</summary>
internal static class LoadedLibrary
{
    /// <summary>The absolute path of the mapped <c>libonnxruntime.so*</c>/<c>onnxruntime.dll</c>, or the expected location next to the app.</summary>
    public static string Find()
    {
        const string maps = "/proc/self/maps";
        if (File.Exists(maps))
        {
            foreach (var line in File.ReadLines(maps))
            {
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0)
                {
                    continue;
                }

                var path = line[slash..];
                var name = Path.GetFileName(path);
                if (name.StartsWith("libonnxruntime.so", StringComparison.Ordinal))
                {
                    return path;
                }
            }
        }

        var fileName = OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so";
        return Path.Combine(AppContext.BaseDirectory, fileName);
    }
}
