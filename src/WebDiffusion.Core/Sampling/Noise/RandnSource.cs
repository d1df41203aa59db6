namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>A1111's <c>randn_source</c> option (infotext "RNG").</summary>
public enum RandnSource
{
    /// <summary>"GPU" (A1111's default): torch.randn on the compute device. See <see cref="NoiseGenerators.Create"/>.</summary>
    Gpu,

    /// <summary>"CPU": torch.randn on the CPU (mt19937), the same on every machine.</summary>
    Cpu,

    /// <summary>"NV": A1111's Philox emulation of torch's CUDA randn, the same on every machine.</summary>
    NV,
}
