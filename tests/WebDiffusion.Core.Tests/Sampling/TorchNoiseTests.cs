using System.Globalization;
using WebDiffusion.Core.Sampling.Noise;

namespace WebDiffusion.Core.Tests.Sampling;

public class TorchNoiseTests
{
    private const double Atol = 1e-6;

    public static TheoryData<string> Seeds => ["0", "1", "42"];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Scalar_path_matches_reference(string seed)
    {
        var expected = ReferenceJson.Rng.GetProperty("computed_torch_cpu").GetProperty(seed).GetProperty("randn_4_scalar_path").Doubles();
        var actual = new float[4];
        new TorchCpuGenerator(long.Parse(seed, CultureInfo.InvariantCulture)).Randn(actual);
        AssertClose(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Vectorised_path_matches_reference_at_latent_size(string seed)
    {
        var reference = ReferenceJson.Rng.GetProperty("computed_torch_cpu").GetProperty(seed);
        var actual = new float[4 * 64 * 64];
        new TorchCpuGenerator(long.Parse(seed, CultureInfo.InvariantCulture)).Randn(actual);
        AssertClose(reference.StartingWith("randn_16384_first32").Doubles(), actual.AsSpan(0, 32).ToArray());
        AssertClose(reference.GetProperty("randn_16384_last8").Doubles(), actual.AsSpan(actual.Length - 8).ToArray());
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Tail_block_is_recomputed_from_fresh_uniforms(string seed)
    {
        var expected = ReferenceJson.Rng.GetProperty("computed_torch_cpu").GetProperty(seed).StartingWith("randn_20_full").Doubles();
        var actual = new float[20];
        new TorchCpuGenerator(long.Parse(seed, CultureInfo.InvariantCulture)).Randn(actual);
        AssertClose(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Rand_matches_reference(string seed)
    {
        var expected = ReferenceJson.Rng.GetProperty("computed_torch_cpu").GetProperty(seed).GetProperty("rand_8").Doubles();
        var actual = new float[8];
        new TorchCpuGenerator(long.Parse(seed, CultureInfo.InvariantCulture)).Rand(actual);
        AssertClose(expected, actual);
    }

    [Fact]
    public void Published_torch_values_and_bits_are_reproduced()
    {
        var published = ReferenceJson.Rng.GetProperty("published").GetProperty("torch_cpu");
        var first = published[0];
        var four = new float[4];
        new TorchCpuGenerator(0).Randn(four);
        AssertClose(first.GetProperty("values").Doubles(), four);
        var bits = first.GetProperty("bits").EnumerateArray().Select(b => Convert.ToUInt32(b.GetString(), 16)).ToArray();
        Assert.Equal(bits, four.Select(BitConverter.SingleToUInt32Bits).ToArray());

        // randn(7) then rand(7) from one generator (scalar path, then uniforms continue the stream).
        var g = new TorchCpuGenerator(0);
        var seven = new float[7];
        g.Randn(seven);
        AssertClose(published[1].GetProperty("randn").Doubles(), seven);
        var rand7 = new float[7];
        new TorchCpuGenerator(0).Rand(rand7);
        AssertClose(published[1].GetProperty("rand").Doubles(), rand7);
    }

    [Fact]
    public void Published_four_decimal_sequences_are_reproduced()
    {
        var published = ReferenceJson.Rng.GetProperty("published").GetProperty("torch_cpu");
        foreach (var entry in published.EnumerateArray())
        {
            var call = entry.GetProperty("call").GetString()!;
            if (!entry.TryGetProperty("values4dp", out var values))
            {
                continue;
            }

            var expected = values.Doubles();
            var count = call.Contains("randn(12)", StringComparison.Ordinal) || call.Contains("rsample((8,))", StringComparison.Ordinal)
                ? expected.Length
                : call.Contains("4,5", StringComparison.Ordinal) ? 20 : call.Contains("1,1,4,4", StringComparison.Ordinal) ? 16 : expected.Length;
            var actual = new float[count];
            new TorchCpuGenerator(0).Randn(actual);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 6e-5, $"{call} [{i}]: expected {expected[i]}, got {actual[i]}");
            }
        }
    }

    [Fact]
    public void Stream_continues_across_calls_like_torch()
    {
        // manual_seed(0); randn((3,3,3)); randn(3): the second call continues the stream on the scalar path.
        var entry = ReferenceJson.Rng.GetProperty("published").GetProperty("torch_cpu").EnumerateArray()
            .First(e => e.GetProperty("call").GetString()!.Contains("(3,3,3)", StringComparison.Ordinal));
        var g = new TorchCpuGenerator(0);
        var cube = new float[27];
        g.Randn(cube);
        var three = new float[3];
        g.Randn(three);
        var expected = entry.GetProperty("first9_4dp").Doubles().Concat(entry.GetProperty("second9").Doubles()).Concat(entry.GetProperty("third9").Doubles()).ToArray();
        for (var i = 0; i < 27; i++)
        {
            Assert.True(Math.Abs(expected[i] - cube[i]) <= 6e-5, $"[{i}] expected {expected[i]}, got {cube[i]}");
        }

        var set = entry.GetProperty("randn3_set").Doubles().Order().ToArray();
        var got = three.Select(v => (double)v).Order().ToArray();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(set[i] - got[i]) <= 6e-5, $"randn(3)[{i}] expected {set[i]}, got {got[i]}");
        }
    }

    [Fact]
    public void Manual_seed_restarts_the_stream()
    {
        var g = new TorchCpuGenerator(7);
        var a = new float[5];
        g.Randn(a);
        g.ManualSeed(7);
        var b = new float[5];
        g.Randn(b);
        Assert.Equal(a, b);
    }

    internal static void AssertClose(double[] expected, float[] actual, double atol = Atol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= atol, $"[{i}] expected {expected[i]:R}, got {actual[i]:R} (diff {Math.Abs(expected[i] - actual[i]):E2})");
        }
    }
}
