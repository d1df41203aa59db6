namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>
/// A1111's "NV" noise source (<c>modules/rng_philox.py</c>): a re-implementation of torch's CUDA <c>randn</c>
/// (Philox-4x32-10, Box-Muller sine branch), so images made on NVIDIA GPUs can be reproduced on any device.
/// </summary>
/// <remarks>
/// Key = the 64-bit seed (low word, high word); element i of a call uses the counter (offset, 0, i, 0); the offset
/// grows by one on every <see cref="Randn"/> call regardless of its size. Only output words 0 and 1 are used:
/// u = g0·2⁻³² + 2⁻³³, v = g1·2π·2⁻³² + π·2⁻³², z = sqrt(−2 ln u)·sin v, evaluated in double like NumPy and
/// rounded to float32.
/// </remarks>
public sealed class PhiloxGenerator : INoiseGenerator
{
    private static readonly double TwoPow32Inv = 2.3283064e-10f;
    private static readonly double TwoPow32InvHalf = 2.3283064e-10f / 2f;
    private static readonly double TwoPow32Inv2Pi = (float)(2.3283064e-10 * 6.2831855);
    private static readonly double TwoPow32Inv2PiHalf = (float)(2.3283064e-10 * 6.2831855) / 2f;

    private readonly uint _k0;
    private readonly uint _k1;

    /// <summary>Creates a generator for the seed, with offset 0.</summary>
    public PhiloxGenerator(long seed)
    {
        var s = unchecked((ulong)seed);
        _k0 = (uint)s;
        _k1 = (uint)(s >> 32);
    }

    /// <summary>The counter word 0 of the next call (number of randn calls so far).</summary>
    public uint Offset { get; private set; }

    /// <inheritdoc />
    public void Randn(Span<float> destination)
    {
        var offset = Offset;
        for (var i = 0; i < destination.Length; i++)
        {
            var (g0, g1, _, _) = Philox4x32.Block(offset, 0, (uint)i, 0, _k0, _k1);
            destination[i] = BoxMullerSin(g0, g1);
        }

        Offset = unchecked(offset + 1);
    }

    internal static float BoxMullerSin(uint g0, uint g1)
    {
        var u = (g0 * TwoPow32Inv) + TwoPow32InvHalf;
        var v = (g1 * TwoPow32Inv2Pi) + TwoPow32Inv2PiHalf;
        return (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Sin(v));
    }
}
