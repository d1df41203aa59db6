namespace WebDiffusion.Server.Tests.Infrastructure;

/// <summary>Finds the repository root (the folder with WebDiffusion.sln) from the test's output folder.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "WebDiffusion.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("WebDiffusion.sln not found above " + AppContext.BaseDirectory);
    }
}
