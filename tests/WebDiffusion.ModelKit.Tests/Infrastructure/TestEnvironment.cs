using WebDiffusion.Onnx;

namespace WebDiffusion.ModelKit.Tests.Infrastructure;

/// <summary>The repository root, the shared test data, temp folders and the process-wide ORT runtime for tests.</summary>
public static class TestEnvironment
{
    private static readonly Lazy<OrtRuntime> LazyRuntime = new(LoadRuntime);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ClipFolder => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "testdata", "clip"));

    /// <summary>ONNX Runtime from the Microsoft.ML.OnnxRuntime package.</summary>
    public static OrtRuntime Runtime => LazyRuntime.Value;

    /// <summary>Copies the real CLIP vocab.json and merges.txt into a tokenizer folder.</summary>
    public static void CopyTokenizerFiles(string tokenizerFolder)
    {
        foreach (var name in new[] { "vocab.json", "merges.txt" })
        {
            File.Copy(Path.Combine(ClipFolder, name), Path.Combine(tokenizerFolder, name), overwrite: true);
        }
    }

    public static DirectoryInfo TempFolder(string prefix) => Directory.CreateTempSubdirectory("wd-" + prefix + "-");

    private static OrtRuntime LoadRuntime()
    {
        return OrtRuntime.Load();
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WebDiffusion.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("WebDiffusion.sln not found above " + AppContext.BaseDirectory);
    }
}
