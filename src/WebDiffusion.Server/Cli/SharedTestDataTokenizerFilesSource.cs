using WebDiffusion.Server.Hosting;

namespace WebDiffusion.Server.Cli;

/// <summary>
/// Temporary tokenizer source: copies vocab.json and merges.txt from &lt;content root&gt;/../shared/testdata/clip.
/// To be replaced by the embedded CLIP vocabulary writer.
/// </summary>
public sealed class SharedTestDataTokenizerFilesSource(WebDiffusionPaths paths) : ITokenizerFilesSource
{
    private static readonly string[] Files = ["vocab.json", "merges.txt"];

    /// <inheritdoc />
    public void WriteTo(string tokenizerFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizerFolder);
        var source = Path.GetFullPath(Path.Combine(paths.ContentRoot, "..", "shared", "testdata", "clip"));
        foreach (var file in Files)
        {
            var from = Path.Combine(source, file);
            if (!File.Exists(from))
            {
                throw new InvalidOperationException(
                    $"The CLIP tokenizer file {file} is not available (looked in {source}); this build cannot write demo models yet.");
            }

            File.Copy(from, Path.Combine(tokenizerFolder, file), overwrite: true);
        }
    }
}
