namespace WebDiffusion.Core.Tests;

/// <summary>Paths of the real test data in ../shared/testdata (beside the repository root).</summary>
public static class SharedTestData
{
    /// <summary>The repository root: the folder holding WebDiffusion.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>../shared/testdata next to the repository.</summary>
    public static string Root { get; } = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "testdata"));

    /// <summary>A file under testdata, e.g. <c>Path("clip", "vocab.json")</c>; throws if missing.</summary>
    public static string File(params string[] parts)
    {
        var path = System.IO.Path.Combine([Root, .. parts]);
        return System.IO.File.Exists(path) ? path : throw new FileNotFoundException("Test data missing: " + path, path);
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "WebDiffusion.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("WebDiffusion.sln not found above " + AppContext.BaseDirectory);
    }
}
