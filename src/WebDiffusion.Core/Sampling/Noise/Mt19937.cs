namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>The 32-bit Mersenne Twister (MT19937) as torch's CPU generator uses it.</summary>
internal sealed class Mt19937
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908B0DFu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7FFFFFFFu;

    private readonly uint[] _state = new uint[N];
    private int _index;

    public Mt19937(uint seed) => Seed(seed);

    public void Seed(uint seed)
    {
        _state[0] = seed;
        for (var i = 1; i < N; i++)
        {
            var prev = _state[i - 1];
            _state[i] = unchecked((1812433253u * (prev ^ (prev >> 30))) + (uint)i);
        }

        _index = N;
    }

    public uint NextUInt32()
    {
        if (_index >= N)
        {
            Twist();
        }

        var y = _state[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        var s = _state;
        for (var i = 0; i < N; i++)
        {
            var y = (s[i] & UpperMask) | (s[(i + 1) % N] & LowerMask);
            var v = s[(i + M) % N] ^ (y >> 1);
            if ((y & 1u) != 0)
            {
                v ^= MatrixA;
            }

            s[i] = v;
        }

        _index = 0;
    }
}
