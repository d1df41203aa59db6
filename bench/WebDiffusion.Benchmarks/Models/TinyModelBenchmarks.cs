using BenchmarkDotNet.Attributes;
using WebDiffusion.Core.Models;
using WebDiffusion.ModelKit;
using WebDiffusion.Onnx;

namespace WebDiffusion.Benchmarks.Models;

/// <summary>
/// Per-component run times of the tiny fp32 model at 64×64 (8×8 latents), CFG batch 2, and a whole 20-step
/// Euler-style loop with CFG. Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- --filter '*TinyModel*'
/// </summary>
[MemoryDiagnoser]
public class TinyModelBenchmarks
{
    private readonly int[] _ids = [.. Enumerable.Range(0, 2 * 77).Select(i => i % 77 == 0 ? 49406 : 49407)];
    private readonly float[] _hidden = new float[2 * 77 * TinyModelWriter.TextHiddenSize];
    private readonly float[] _sample = new float[2 * 4 * 64];
    private readonly float[] _eps = new float[2 * 4 * 64];
    private readonly float[] _image = new float[3 * 64 * 64];
    private readonly float[] _latents = new float[4 * 64];
    private string _folder = string.Empty;
    private OrtRuntime? _runtime;
    private ModelSet? _model;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("wd-bench-").FullName;
        TinyModelWriter.WriteModel(_folder, TinyModelVariant.Fp32, _ => { });
        _runtime = OrtRuntime.Load();
        var description = new ModelDescription { Name = "bench", Folder = _folder };
        Directory.CreateDirectory(Path.Combine(_folder, "tokenizer"));
        File.WriteAllText(Path.Combine(_folder, "tokenizer", "vocab.json"), "{}");
        File.WriteAllText(Path.Combine(_folder, "tokenizer", "merges.txt"), string.Empty);
        _model = ModelSet.Open(description, _runtime, new OrtSessionOptions { IntraOpThreads = 2 });
        _model.OpenAll();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model?.Dispose();
        _runtime?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark]
    public void TextEncoderBatch2() => _model!.TextEncoder.Encode(_ids, 2, _hidden);

    [Benchmark]
    public void UNetStepCfgBatch2() => _model!.UNet.Predict(_sample, 2, 4, 8, 8, 500, _hidden, 77, _eps);

    [Benchmark]
    public void VaeDecode64() => _model!.VaeDecoder.Decode(_latents, 1, 8, 8, _image);

    [Benchmark]
    public void VaeEncode64() => _model!.VaeEncoder!.Encode(_image, 1, 64, 64, _latents);

    [Benchmark]
    public void Txt2Img20StepsCfg()
    {
        _model!.TextEncoder.Encode(_ids, 2, _hidden);
        for (var step = 0; step < 20; step++)
        {
            _model.UNet.Predict(_sample, 2, 4, 8, 8, 999 - (step * 50), _hidden, 77, _eps);
        }

        _model.VaeDecoder.Decode(_latents, 1, 8, 8, _image);
    }
}
