using BenchmarkDotNet.Attributes;
using WebDiffusion.Core.Sampling.Noise;

namespace WebDiffusion.Benchmarks.Sampling;

/// <summary>Initial-noise generation for one 4×64×64 latent (512×512 image).</summary>
[MemoryDiagnoser]
public class NoiseBenchmarks
{
    private readonly float[] _buffer = new float[4 * 64 * 64];
    private readonly TorchCpuGenerator _torch = new(1);
    private readonly PhiloxGenerator _philox = new(1);

    [Benchmark(Baseline = true)]
    public void TorchCpuRandn() => _torch.Randn(_buffer);

    [Benchmark]
    public void PhiloxRandn() => _philox.Randn(_buffer);
}
