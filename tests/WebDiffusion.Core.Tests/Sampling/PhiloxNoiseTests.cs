using System.Globalization;
using WebDiffusion.Core.Sampling.Noise;

namespace WebDiffusion.Core.Tests.Sampling;

public class PhiloxNoiseTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("42")]
    public void First_and_second_call_match_reference(string seed)
    {
        var reference = ReferenceJson.Rng.GetProperty("computed_nv_philox").GetProperty(seed);
        var g = new PhiloxGenerator(long.Parse(seed, CultureInfo.InvariantCulture));
        var first = new float[16];
        g.Randn(first);
        TorchNoiseTests.AssertClose(reference.GetProperty("offset0_first16").Doubles(), first);
        var second = new float[8];
        g.Randn(second);
        TorchNoiseTests.AssertClose(reference.StartingWith("offset1_first8").Doubles(), second);
    }

    [Fact]
    public void A1111_docstring_vector_is_reproduced()
    {
        var published = ReferenceJson.Rng.GetProperty("published").GetProperty("a1111_nv_philox")[0].GetProperty("values").Doubles();
        var values = new float[12];
        new PhiloxGenerator(0).Randn(values);
        // The docstring is real CUDA output; the NumPy emulation differs by up to ~3e-7.
        TorchNoiseTests.AssertClose(published, values, 1e-6);
    }

    [Fact]
    public void Offset_advances_once_per_call_regardless_of_size()
    {
        var g = new PhiloxGenerator(1234);
        var a = new float[3];
        g.Randn(a);
        Assert.Equal(1u, g.Offset);
        var big = new float[1000];
        g.Randn(big);
        Assert.Equal(2u, g.Offset);
        var expected = new[] { -1.61649036, 0.56845522, -0.51022458, -0.91133940 };
        var fresh = new float[4];
        new PhiloxGenerator(1234).Randn(fresh);
        TorchNoiseTests.AssertClose(expected, fresh, 1e-6);
        Assert.Equal(fresh[..3], a);
    }
}
