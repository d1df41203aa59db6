using WebDiffusion.Core.Sampling.Noise;

namespace WebDiffusion.Core.Tests.Sampling;

public class ImageNoiseTests
{
    private static readonly LatentShape Shape = new(4, 8, 8);

    [Fact]
    public void Each_image_gets_its_own_seeded_generator()
    {
        var noise = new ImageNoise(new ImageNoiseOptions { Shape = Shape, Seeds = [10, 11] });
        var batch = new float[2 * Shape.Count];
        noise.First(batch);
        var single = new float[Shape.Count];
        new TorchCpuGenerator(11).Randn(single);
        Assert.Equal(single, batch.AsSpan(Shape.Count).ToArray());

        // next() continues the same per-image generator.
        var g = new TorchCpuGenerator(10);
        g.Randn(single);
        g.Randn(single);
        noise.Next(batch);
        Assert.Equal(single, batch.AsSpan(0, Shape.Count).ToArray());
    }

    [Fact]
    public void Ensd_reseeds_the_generators_after_the_first_noise()
    {
        var noise = new ImageNoise(new ImageNoiseOptions { Shape = Shape, Seeds = [10], EtaNoiseSeedDelta = 31337 });
        var first = new float[Shape.Count];
        noise.First(first);
        var next = new float[Shape.Count];
        noise.Next(next);
        var expected = new float[Shape.Count];
        new TorchCpuGenerator(10 + 31337).Randn(expected);
        Assert.Equal(expected, next);
    }

    [Fact]
    public void Nv_source_uses_philox_and_gpu_maps_by_host()
    {
        var nv = new ImageNoise(new ImageNoiseOptions { Shape = Shape, Seeds = [0], Source = RandnSource.NV });
        var values = new float[Shape.Count];
        nv.First(values);
        var expected = new float[Shape.Count];
        new PhiloxGenerator(0).Randn(expected);
        Assert.Equal(expected, values);
        Assert.Equal(RandnSource.Cpu, NoiseGenerators.Resolve(RandnSource.Gpu, cudaHost: false));
        Assert.Equal(RandnSource.NV, NoiseGenerators.Resolve(RandnSource.Gpu, cudaHost: true));
        Assert.Throws<ArgumentException>(() => NoiseGenerators.Parse("TPU"));
    }

    [Fact]
    public void Variation_seed_is_slerp_per_channel_column()
    {
        const float Strength = 0.3f;
        var noise = new ImageNoise(new ImageNoiseOptions { Shape = Shape, Seeds = [1], Subseeds = [2], SubseedStrength = Strength });
        var actual = new float[Shape.Count];
        noise.First(actual);
        var low = new float[Shape.Count];
        var high = new float[Shape.Count];
        new TorchCpuGenerator(1).Randn(low);
        new TorchCpuGenerator(2).Randn(high);
        // Independent slerp of the (channel 2, column 5) vector along H.
        const int C = 2, Col = 5;
        var lv = Enumerable.Range(0, Shape.Height).Select(r => (double)low[(((C * Shape.Height) + r) * Shape.Width) + Col]).ToArray();
        var hv = Enumerable.Range(0, Shape.Height).Select(r => (double)high[(((C * Shape.Height) + r) * Shape.Width) + Col]).ToArray();
        var dot = lv.Zip(hv, (a, b) => a * b).Sum() / Math.Sqrt(lv.Sum(a => a * a)) / Math.Sqrt(hv.Sum(b => b * b));
        var omega = Math.Acos(dot);
        for (var r = 0; r < Shape.Height; r++)
        {
            var expected = (Math.Sin((1 - Strength) * omega) / Math.Sin(omega) * lv[r]) + (Math.Sin(Strength * omega) / Math.Sin(omega) * hv[r]);
            Assert.Equal(expected, actual[(((C * Shape.Height) + r) * Shape.Width) + Col], 1e-5);
        }
    }

    [Fact]
    public void Nearly_parallel_noise_uses_the_reversed_linear_mix()
    {
        var low = Enumerable.Range(0, Shape.Count).Select(i => 1f + (i % 3)).ToArray();
        var high = low.Select(v => v * 1.0001f).ToArray();
        var result = new float[Shape.Count];
        VariationNoise.Slerp(0.25f, low, high, Shape, result);
        for (var i = 0; i < result.Length; i++)
        {
            Assert.Equal((low[i] * 0.25f) + (high[i] * 0.75f), result[i], 1e-6);
        }
    }

    [Fact]
    public void Resize_seed_from_pastes_the_small_noise_in_the_centre()
    {
        // Target latent 4x8x8; noise generated at 4x4x6 (from 48x32 pixels) is centre-pasted.
        var noise = new ImageNoise(new ImageNoiseOptions { Shape = Shape, Seeds = [9], SeedResizeFromWidth = 48, SeedResizeFromHeight = 32 });
        var actual = new float[Shape.Count];
        noise.First(actual);
        var small = new float[4 * 4 * 6];
        new TorchCpuGenerator(9).Randn(small);
        var full = new float[Shape.Count];
        new TorchCpuGenerator(9).Randn(full);
        for (var c = 0; c < 4; c++)
        {
            for (var y = 0; y < 8; y++)
            {
                for (var x = 0; x < 8; x++)
                {
                    var inside = y >= 2 && y < 6 && x >= 1 && x < 7;
                    var expected = inside ? small[(((c * 4) + (y - 2)) * 6) + (x - 1)] : full[(((c * 8) + y) * 8) + x];
                    Assert.Equal(expected, actual[(((c * 8) + y) * 8) + x]);
                }
            }
        }

        // Larger source: centre crop.
        var crop = new ImageNoise(new ImageNoiseOptions { Shape = new LatentShape(1, 2, 2), Seeds = [9], SeedResizeFromWidth = 32, SeedResizeFromHeight = 32 });
        var cropped = new float[4];
        crop.First(cropped);
        var big = new float[16];
        new TorchCpuGenerator(9).Randn(big);
        Assert.Equal(new[] { big[5], big[6], big[9], big[10] }, cropped);
    }

    [Fact]
    public void Seeds_follow_a1111_rules()
    {
        Assert.Equal(new long[] { 5, 6, 7 }, Seeds.ForImages(5, 3));
        Assert.Equal(new long[] { 5, 5, 5 }, Seeds.ForImages(5, 3, subseedStrength: 0.5f));
        Assert.Equal(new long[] { 8, 9 }, Seeds.SubseedsForImages(8, 2));
        var random = new Random(1);
        for (var i = 0; i < 1000; i++)
        {
            Assert.InRange(Seeds.Resolve(-1, random), 0, 4294967293);
        }

        Assert.Equal(123, Seeds.Resolve(123));
    }

    [Fact]
    public void Brownian_increments_are_standard_normal_and_consistent()
    {
        var tree = new BrownianTreeNoise([42], 4096, 0.03f, 14.6f);
        var a = new float[4096];
        var b = new float[4096];
        tree.Sample(5f, 2f, a);
        tree.Sample(2f, 0.5f, b);
        AssertStandardNormal(a);
        AssertStandardNormal(b);
        var corr = a.Zip(b, (x, y) => (double)x * y).Sum() / a.Length;
        Assert.InRange(corr, -0.06, 0.06); // disjoint intervals: independent

        // The path is fixed by the seed: the 5 → 0.5 increment is the sum of the two parts.
        var whole = new float[4096];
        new BrownianTreeNoise([42], 4096, 0.03f, 14.6f).Sample(5f, 0.5f, whole);
        for (var i = 0; i < whole.Length; i++)
        {
            var sum = (a[i] * Math.Sqrt(3)) + (b[i] * Math.Sqrt(1.5));
            Assert.Equal(sum / Math.Sqrt(4.5), whole[i], 1e-4);
        }
    }

    private static void AssertStandardNormal(float[] values)
    {
        var mean = values.Average();
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        Assert.InRange(mean, -0.06, 0.06);
        Assert.InRange(std, 0.95, 1.05);
    }
}
