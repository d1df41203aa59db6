namespace WebDiffusion.Server.Cli;

/// <summary>Writes the CLIP tokenizer files (vocab.json, merges.txt) a generated demo model needs.</summary>
public interface ITokenizerFilesSource
{
    /// <summary>Writes vocab.json and merges.txt into <paramref name="tokenizerFolder"/> (which exists).</summary>
    void WriteTo(string tokenizerFolder);
}
