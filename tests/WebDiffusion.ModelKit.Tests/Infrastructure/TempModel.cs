namespace WebDiffusion.ModelKit.Tests.Infrastructure;

/// <summary>A tiny model written into a temporary folder, deleted on dispose.</summary>
public sealed class TempModel : IDisposable
{
    private readonly DirectoryInfo _root;

    public TempModel(TinyModelVariant variant, bool tokenizer = true)
    {
        _root = TestEnvironment.TempFolder("kit");
        Folder = Path.Combine(_root.FullName, TinyModelWriter.VariantName(variant));
        TinyModelWriter.WriteModel(Folder, variant, tokenizer ? TestEnvironment.CopyTokenizerFiles : null);
    }

    public TempModel(AnalyticModelParameters parameters)
    {
        _root = TestEnvironment.TempFolder("kit");
        Folder = Path.Combine(_root.FullName, "analytic");
        TinyModelWriter.WriteAnalyticModel(Folder, parameters, TestEnvironment.CopyTokenizerFiles);
    }

    public string Folder { get; }

    public string Component(string name) => Path.Combine(Folder, name, "model.onnx");

    public void Dispose() => _root.Delete(recursive: true);
}
