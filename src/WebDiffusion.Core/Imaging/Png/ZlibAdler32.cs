using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Adler-32 (RFC 1950), the zlib stream's trailer, with <see cref="Combine"/> for checksums computed in pieces.</summary>
internal static class ZlibAdler32
{
    private const uint Base = 65521;

    /// <summary>The largest n with 255·n·(n+1)/2 + (n+1)·(Base−1) below 2³², as zlib's NMAX.</summary>
    private const int MaxRun = 5552;

    /// <summary>Continues a checksum (start with 1).</summary>
    public static uint Update(uint adler, ReadOnlySpan<byte> data)
    {
        uint s1 = adler & 0xFFFF, s2 = adler >> 16;
        ref var p = ref MemoryMarshal.GetReference(data);
        var i = 0;
        while (i < data.Length)
        {
            var end = Math.Min(data.Length, i + MaxRun);
            for (; i + 4 <= end; i += 4)
            {
                s1 += Unsafe.Add(ref p, i);
                s2 += s1;
                s1 += Unsafe.Add(ref p, i + 1);
                s2 += s1;
                s1 += Unsafe.Add(ref p, i + 2);
                s2 += s1;
                s1 += Unsafe.Add(ref p, i + 3);
                s2 += s1;
            }

            for (; i < end; i++)
            {
                s1 += Unsafe.Add(ref p, i);
                s2 += s1;
            }

            s1 %= Base;
            s2 %= Base;
        }

        return (s2 << 16) | s1;
    }

    /// <summary>The checksum of A followed by B, from A's and B's checksums and B's length (zlib's adler32_combine).</summary>
    public static uint Combine(uint adlerA, uint adlerB, long lengthB)
    {
        var rem = (uint)(lengthB % Base);
        ulong sum1 = adlerA & 0xFFFF;
        var sum2 = rem * sum1 % Base;
        sum1 += (adlerB & 0xFFFF) + Base - 1;
        sum2 += (adlerA >> 16) + (adlerB >> 16) + Base - rem;
        sum1 %= Base;
        sum2 %= Base;
        return (uint)((sum2 << 16) | sum1);
    }
}
