namespace WebDiffusion.Core.Tests.Checkpoints.Diffusers;

/// <summary>The sd-reference fp16 checkpoint converted to a diffusers folder (<c>TestData/README.md</c> says how).</summary>
internal static class DiffusersTestData
{
    /// <summary>The committed folder (no tokenizer vocabulary: see <see cref="InstallInto"/>).</summary>
    public static string Folder { get; } = Path.Combine(SharedTestData.RepositoryRoot, "tests", "WebDiffusion.Core.Tests", "Checkpoints", "Diffusers", "TestData", "tiny-sd15-fp16");

    /// <summary>
    /// Copies the folder to <paramref name="target"/> and completes its tokenizer with the shared CLIP vocab.json and
    /// merges.txt (the real CLIP BPE files, kept once in shared testdata instead of a second copy here); returns the path.
    /// </summary>
    public static string InstallInto(string target)
    {
        foreach (var file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        File.Copy(SharedTestData.File("clip", "vocab.json"), Path.Combine(target, "tokenizer", "vocab.json"));
        File.Copy(SharedTestData.File("clip", "merges.txt"), Path.Combine(target, "tokenizer", "merges.txt"));
        return target;
    }
}
