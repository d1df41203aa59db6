using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Server.Cli;

/// <summary>Writes the CLIP vocabulary embedded in WebDiffusion.Core (vocab.json + merges.txt, Hugging Face layout).</summary>
public sealed class EmbeddedTokenizerFilesSource : ITokenizerFilesSource
{
    public void WriteTo(string tokenizerFolder) => ClipTokenizer.Default.WriteHuggingFaceFiles(tokenizerFolder);
}
