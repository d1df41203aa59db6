namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>The Philox-4x32-10 counter-based block function (Salmon et al. 2011), as CUDA's curand and torch use it.</summary>
internal static class Philox4x32
{
    private const uint M0 = 0xD2511F53u;
    private const uint M1 = 0xCD9E8D57u;
    private const uint W0 = 0x9E3779B9u;
    private const uint W1 = 0xBB67AE85u;

    /// <summary>Runs 10 rounds on the counter (c0..c3) with key (k0, k1); returns the four output words.</summary>
    public static (uint X0, uint X1, uint X2, uint X3) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (var round = 0; round < 10; round++)
        {
            var p0 = (ulong)c0 * M0;
            var p1 = (ulong)c2 * M1;
            var hi0 = (uint)(p0 >> 32);
            var lo0 = (uint)p0;
            var hi1 = (uint)(p1 >> 32);
            var lo1 = (uint)p1;
            var n0 = hi1 ^ c1 ^ k0;
            var n2 = hi0 ^ c3 ^ k1;
            c0 = n0;
            c1 = lo1;
            c2 = n2;
            c3 = lo0;
            if (round < 9)
            {
                unchecked
                {
                    k0 += W0;
                    k1 += W1;
                }
            }
        }

        return (c0, c1, c2, c3);
    }
}
