using BenchmarkDotNet.Attributes;

namespace WebDiffusion.Benchmarks.Pipeline;

/// <summary>
/// BenchmarkDotNet view of the pipeline overhead on the tiny model: one CFG UNet call (batch 2) and whole txt2img runs
/// of 20 and 40 steps; per-step cost = (Txt2Img[40] − Txt2Img[20]) / 20, overhead = (per-step − UNetPredictCfg) / per-step,
/// and the same difference of the Allocated column gives managed bytes per step. The harness (<c>-- harness pipeline</c>)
/// computes these directly and adds peak RSS.
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- --filter '*PipelineBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private TinyPipeline _tiny = null!;
    private TinyPipeline.UNetCall _call = null!;

    [Params(8, 64)]
    public int LatentSize { get; set; }

    [Params("Euler", "DPM++ 2M")]
    public string Sampler { get; set; } = "Euler";

    [GlobalSetup]
    public void Setup()
    {
        _tiny = new TinyPipeline();
        _call = _tiny.NewUNetCall(LatentSize);
    }

    [GlobalCleanup]
    public void Cleanup() => _tiny.Dispose();

    [Benchmark]
    public void UNetPredictCfg() => _call.Run();

    [Benchmark]
    public Task Txt2Img20Steps() => _tiny.RunAsync(TinyPipeline.Txt2Img(LatentSize * 8, Sampler, 20));

    [Benchmark]
    public Task Txt2Img40Steps() => _tiny.RunAsync(TinyPipeline.Txt2Img(LatentSize * 8, Sampler, 40));
}
