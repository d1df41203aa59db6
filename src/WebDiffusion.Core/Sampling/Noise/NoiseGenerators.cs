namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>Creates the seeded generator for a <see cref="RandnSource"/>.</summary>
public static class NoiseGenerators
{
    /// <summary>
    /// A fresh generator for <paramref name="seed"/>. "GPU" is resolved the way A1111 would resolve it on the host:
    /// on a CUDA host torch's CUDA randn, which the Philox generator reproduces exactly (so <see cref="PhiloxGenerator"/>);
    /// on a CPU-only host torch falls back to the CPU generator (so <see cref="TorchCpuGenerator"/>).
    /// We cannot call CUDA's generator itself; NV is the bit-level equivalent A1111 ships for that purpose.
    /// </summary>
    public static INoiseGenerator Create(RandnSource source, long seed, bool cudaHost = false) => Resolve(source, cudaHost) switch
    {
        RandnSource.NV => new PhiloxGenerator(seed),
        _ => new TorchCpuGenerator(seed),
    };

    /// <summary>The concrete source used for <paramref name="source"/> on this host (never <see cref="RandnSource.Gpu"/>).</summary>
    public static RandnSource Resolve(RandnSource source, bool cudaHost) => source switch
    {
        RandnSource.Gpu => cudaHost ? RandnSource.NV : RandnSource.Cpu,
        RandnSource.Cpu => RandnSource.Cpu,
        RandnSource.NV => RandnSource.NV,
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown noise source; use GPU, CPU or NV."),
    };

    /// <summary>Parses A1111's option values "GPU", "CPU", "NV" (case-insensitive).</summary>
    public static RandnSource Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return RandnSource.Gpu;
        }

        return value.Trim().ToUpperInvariant() switch
        {
            "GPU" => RandnSource.Gpu,
            "CPU" => RandnSource.Cpu,
            "NV" => RandnSource.NV,
            _ => throw new ArgumentException($"Unknown random number source '{value}'. Valid values: GPU, CPU, NV.", nameof(value)),
        };
    }
}
