using WebDiffusion.ModelKit;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Tests.Models;

/// <summary>A temporary models folder with tiny models written into Stable-diffusion/, and the test ORT runtime.</summary>
public sealed class ModelTestFolders : IDisposable
{
    private static readonly Lazy<OrtRuntime> LazyRuntime = new(() =>
    {
        var fromEnv = Environment.GetEnvironmentVariable("WD_ORT_LIB");
        var path = !string.IsNullOrWhiteSpace(fromEnv)
            ? fromEnv
            : Path.Combine(SharedTestData.RepositoryRoot, ".cache", "onnxruntime", "1.22.0", "linux-x64", "libonnxruntime.so.1");
        return OrtRuntime.Load(new OrtRuntimeOptions { LibraryPath = path });
    });

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("wd-models-");

    public ModelTestFolders()
    {
        Directory.CreateDirectory(CheckpointsDir);
        Directory.CreateDirectory(DataDir);
    }

    public static OrtRuntime Runtime => LazyRuntime.Value;

    public string Root => _root.FullName;

    public string ModelsDir => Path.Combine(Root, "models");

    public string DataDir => Path.Combine(Root, "data");

    public string CheckpointsDir => Path.Combine(ModelsDir, "Stable-diffusion");

    public static void CopyTokenizer(string folder)
    {
        File.Copy(SharedTestData.File("clip", "vocab.json"), Path.Combine(folder, "vocab.json"));
        File.Copy(SharedTestData.File("clip", "merges.txt"), Path.Combine(folder, "merges.txt"));
    }

    public string Write(string name, TinyModelVariant variant, int vaeScaleFactor = 8)
    {
        var folder = Path.Combine(CheckpointsDir, name);
        TinyModelWriter.WriteModel(folder, variant, CopyTokenizer, vaeScaleFactor);
        return folder;
    }

    public void Dispose() => _root.Delete(recursive: true);
}
