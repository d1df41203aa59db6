using System.Buffers;
using WebDiffusion.Core.Sampling.Noise;

namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>The state of one sampling run: the latent, the σ sequence and the pooled work buffers (rented once).</summary>
internal sealed class SamplerRun : IDisposable
{
    private readonly float[][] _rented;
    private BrownianTreeNoise? _brownian;

    public SamplerRun(SamplingJob job, float[] sigmas, int bufferCount)
    {
        Job = job;
        Sigmas = sigmas;
        X = job.Output;
        Length = job.Output.Length;
        PerImage = Length / job.Seeds.Count;
        _rented = new float[bufferCount][];
        for (var i = 0; i < bufferCount; i++)
        {
            _rented[i] = ArrayPool<float>.Shared.Rent(Length);
        }

        AncestralNoise = job.AncestralNoise ?? new SeededNoise(job.Seeds, PerImage);
    }

    public SamplingJob Job { get; }

    public float[] Sigmas { get; }

    /// <summary>The latent being sampled (the job's output buffer).</summary>
    public Memory<float> X { get; }

    public int Length { get; }

    public int PerImage { get; }

    public SamplerParameters P => Job.Parameters;

    public INoiseSampler AncestralNoise { get; }

    /// <summary>Work buffer <paramref name="index"/> (length = the latent's).</summary>
    public Memory<float> Buffer(int index) => _rented[index].AsMemory(0, Length);

    /// <summary>Brownian noise over the positive σ range of the schedule, seeded by the image seeds (created once).</summary>
    public BrownianTreeNoise Brownian()
    {
        if (_brownian is null)
        {
            var min = float.MaxValue;
            var max = 0f;
            foreach (var s in Sigmas)
            {
                if (s > 0)
                {
                    min = Math.Min(min, s);
                    max = Math.Max(max, s);
                }
            }

            if (!(max > min))
            {
                max = min * 2;
            }

            _brownian = new BrownianTreeNoise(Job.Seeds, PerImage, min, max);
        }

        return _brownian;
    }

    public ValueTask DenoiseAsync(ReadOnlyMemory<float> x, double sigma, Memory<float> denoised, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Job.Denoiser.DenoiseAsync(x, (float)sigma, denoised, cancellationToken);
    }

    public void Report(int step, int total, double sigma, ReadOnlySpan<float> x, ReadOnlySpan<float> denoised) =>
        Job.Progress?.OnStep(new SamplerStep(step, total, (float)sigma, x, denoised));

    public void Dispose()
    {
        for (var i = 0; i < _rented.Length; i++)
        {
            ArrayPool<float>.Shared.Return(_rented[i]);
            _rented[i] = [];
        }
    }

    /// <summary>Fallback ancestral noise: one torch-CPU generator per image seed.</summary>
    private sealed class SeededNoise : INoiseSampler
    {
        private readonly TorchCpuGenerator[] _generators;
        private readonly int _perImage;

        public SeededNoise(IReadOnlyList<long> seeds, int perImage)
        {
            _generators = seeds.Select(s => new TorchCpuGenerator(s)).ToArray();
            _perImage = perImage;
        }

        public void Sample(float sigma, float sigmaNext, Span<float> destination)
        {
            for (var i = 0; i < _generators.Length; i++)
            {
                _generators[i].Randn(destination.Slice(i * _perImage, _perImage));
            }
        }
    }
}
