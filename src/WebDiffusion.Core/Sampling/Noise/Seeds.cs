namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>A1111's seed rules (<c>get_fixed_seed</c>, <c>all_seeds</c>, <c>all_subseeds</c>).</summary>
public static class Seeds
{
    /// <summary>The largest seed a random draw returns (A1111: <c>random.randrange(4294967294)</c>).</summary>
    public const long MaxRandomSeed = 4294967293;

    /// <summary>−1 (or any negative value) becomes a random seed in [0, 4294967293]; other values are kept.</summary>
    public static long Resolve(long seed, Random? random = null)
    {
        if (seed >= 0)
        {
            return seed;
        }

        return (random ?? Random.Shared).NextInt64(MaxRandomSeed + 1);
    }

    /// <summary>
    /// Seeds of <paramref name="count"/> images: seed + i, except that all images share the seed when a variation
    /// (subseed strength ≠ 0) is requested.
    /// </summary>
    public static long[] ForImages(long seed, int count, float subseedStrength = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var seeds = new long[count];
        for (var i = 0; i < count; i++)
        {
            seeds[i] = subseedStrength != 0f ? seed : seed + i;
        }

        return seeds;
    }

    /// <summary>Variation seeds of <paramref name="count"/> images: subseed + i.</summary>
    public static long[] SubseedsForImages(long subseed, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var seeds = new long[count];
        for (var i = 0; i < count; i++)
        {
            seeds[i] = subseed + i;
        }

        return seeds;
    }
}
