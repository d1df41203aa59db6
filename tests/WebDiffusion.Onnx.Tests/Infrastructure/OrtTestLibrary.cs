namespace WebDiffusion.Onnx.Tests.Infrastructure;

/// <summary>
/// The one <see cref="OrtRuntime"/> the tests share: the library named by env WD_ORT_LIB (test.sh exports it),
/// else the set-up cache found by walking up from the test output folder to the repository root.
/// </summary>
public static class OrtTestLibrary
{
    private static readonly Lazy<OrtRuntime> Shared = new(() => OrtRuntime.Load(new OrtRuntimeOptions { LibraryPath = Path }));

    public static string Path { get; } = Find();

    public static OrtRuntime Runtime => Shared.Value;

    private static string Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("WD_ORT_LIB");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return System.IO.Path.GetFullPath(fromEnv);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, OrtLibraryLocator.SetUpCacheRelativeFolder, OrtLibraryLocator.LibraryFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "libonnxruntime.so.1 not found: set WD_ORT_LIB or run ./test.sh once (it fetches the library into .cache/).");
    }
}
