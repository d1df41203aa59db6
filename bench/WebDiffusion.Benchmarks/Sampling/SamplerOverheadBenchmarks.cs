using BenchmarkDotNet.Attributes;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Sampling.Samplers;

namespace WebDiffusion.Benchmarks.Sampling;

/// <summary>
/// Sampler overhead per step, excluding the model: a 1×4×64×64 latent and a denoiser that does no work.
/// Times are per step (OperationsPerInvoke = steps); allocated bytes are per step too and include the per-run
/// setup (schedule array, rented buffers, Brownian tree), so per-step allocation in the loop is 0 (see the tests).
/// </summary>
[MemoryDiagnoser]
public class SamplerOverheadBenchmarks
{
    private const int Steps = 20;
    private readonly float[] _noise = new float[4 * 64 * 64];
    private readonly float[] _output = new float[4 * 64 * 64];
    private SamplingJob _job = null!;
    private ISampler _sampler = null!;

    [Params("Euler", "Euler a", "Heun", "DPM++ 2M", "DPM++ 2M SDE", "LMS", "UniPC")]
    public string Sampler { get; set; } = "Euler";

    [GlobalSetup]
    public void Setup()
    {
        new TorchCpuGenerator(1).Randn(_noise);
        _sampler = SamplerRegistry.Get(Sampler);
        _job = new SamplingJob
        {
            Denoiser = new NoWorkDenoiser(),
            Steps = Steps,
            Noise = _noise,
            Output = _output,
            Seeds = [1],
            AncestralNoise = new ImageNoise(new ImageNoiseOptions { Shape = new LatentShape(4, 64, 64), Seeds = [1] }),
        };
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public ValueTask SampleRun() => _sampler.SampleAsync(_job, CancellationToken.None);

    private sealed class NoWorkDenoiser : IDenoiser
    {
        public ValueTask DenoiseAsync(ReadOnlyMemory<float> x, float sigma, Memory<float> denoised, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
