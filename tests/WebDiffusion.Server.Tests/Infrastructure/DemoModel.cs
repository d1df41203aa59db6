using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Server.Tests.Infrastructure;

/// <summary>Writes tiny demo models into a test server's temp root before it starts.</summary>
public static class DemoModel
{
    public static void Write(string root, string name = "tiny", TinyModelVariant variant = TinyModelVariant.Fp32, int vaeScaleFactor = 8) =>
        TinyModelWriter.WriteModel(
            Path.Combine(root, "models", "Stable-diffusion", name),
            variant,
            folder => ClipTokenizer.Default.WriteHuggingFaceFiles(folder),
            vaeScaleFactor);
}
