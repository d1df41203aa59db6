namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>
/// Bit-compatible re-implementation of torch's CPU generator (<c>torch.Generator("cpu").manual_seed(seed)</c>)
/// for <c>torch.randn</c> and <c>torch.rand</c> of float32 tensors.
/// </summary>
/// <remarks>
/// mt19937 seeded with the low 32 bits of the seed. <c>randn</c> of 16 or more elements follows torch's
/// vectorised <c>normal_fill</c>: all elements are first filled with 24-bit uniforms, every block of 16 is
/// transformed by Box-Muller (u1 = 1 − d[j], u2 = d[j+8]), and when the size is not a multiple of 16 the last 16
/// values are recomputed from 16 fresh uniforms. Fewer than 16 elements use torch's scalar
/// <c>normal_distribution&lt;double&gt;</c> with 53-bit uniforms and a cached second value, which survives
/// between calls like torch's generator-level cache.
/// </remarks>
public sealed class TorchCpuGenerator : INoiseGenerator
{
    private const int BlockSize = 16;
    private const double TwoPow24Inv = 1.0 / (1 << 24);
    private const double TwoPow53Inv = 1.0 / (1UL << 53);

    private readonly Mt19937 _engine;
    private double _cachedNormal;
    private bool _hasCachedNormal;

    /// <summary>Creates a generator seeded like <c>manual_seed(seed)</c>.</summary>
    public TorchCpuGenerator(long seed)
    {
        _engine = new Mt19937(unchecked((uint)seed));
    }

    /// <summary>Re-seeds like <c>manual_seed(seed)</c> (also clears the cached normal value).</summary>
    public void ManualSeed(long seed)
    {
        _engine.Seed(unchecked((uint)seed));
        _hasCachedNormal = false;
    }

    /// <inheritdoc />
    public void Randn(Span<float> destination)
    {
        if (destination.Length >= BlockSize)
        {
            NormalFill(destination);
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)NextDoubleNormal();
        }
    }

    /// <summary>Fills with U[0, 1) float32 values like <c>torch.rand</c>.</summary>
    public void Rand(Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = NextFloatUniform();
        }
    }

    private float NextFloatUniform() => (float)((_engine.NextUInt32() & 0xFFFFFFu) * TwoPow24Inv);

    private double NextDoubleUniform()
    {
        ulong hi = _engine.NextUInt32();
        ulong lo = _engine.NextUInt32();
        var bits = (hi << 32) | lo;
        return (bits & ((1UL << 53) - 1)) * TwoPow53Inv;
    }

    private double NextDoubleNormal()
    {
        if (_hasCachedNormal)
        {
            _hasCachedNormal = false;
            return _cachedNormal;
        }

        var u1 = NextDoubleUniform();
        var u2 = NextDoubleUniform();
        var r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        var theta = 2.0 * Math.PI * u1;
        _cachedNormal = r * Math.Sin(theta);
        _hasCachedNormal = true;
        return r * Math.Cos(theta);
    }

    private void NormalFill(Span<float> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = NextFloatUniform();
        }

        var size = data.Length;
        for (var i = 0; i + BlockSize <= size; i += BlockSize)
        {
            BoxMuller16(data.Slice(i, BlockSize));
        }

        if (size % BlockSize != 0)
        {
            var tail = data[(size - BlockSize)..];
            for (var i = 0; i < BlockSize; i++)
            {
                tail[i] = NextFloatUniform();
            }

            BoxMuller16(tail);
        }
    }

    private static void BoxMuller16(Span<float> block)
    {
        for (var j = 0; j < 8; j++)
        {
            double u1 = 1f - block[j];
            double u2 = block[j + 8];
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            var (sin, cos) = Math.SinCos(2.0 * Math.PI * u2);
            block[j] = (float)(radius * cos);
            block[j + 8] = (float)(radius * sin);
        }
    }
}
