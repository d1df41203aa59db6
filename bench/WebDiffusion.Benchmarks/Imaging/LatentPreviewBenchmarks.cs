using BenchmarkDotNet.Attributes;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Preview;

namespace WebDiffusion.Benchmarks.Imaging;

/// <summary>The cheap latent preview of one 4×64×64 latent (a 512² generation), per sampling step.</summary>
[MemoryDiagnoser]
public class LatentPreviewBenchmarks
{
    private readonly CheapLatentPreviewer _previewer = new();
    private readonly RgbaImage _preview = new(64, 64);
    private float[] _latent = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _latent = new float[4 * 64 * 64];
        for (var i = 0; i < _latent.Length; i++)
        {
            _latent[i] = (float)((random.NextDouble() * 2) - 1);
        }
    }

    [Benchmark]
    public void Preview64() => _previewer.Render(_latent, 4, 64, 64, _preview);
}
