namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>
/// A seeded source of standard normal numbers that mirrors one <c>torch.randn(shape, generator=g)</c> call per
/// <see cref="Randn"/> call: the number of elements of a call matters (torch CPU picks its algorithm by size,
/// the Philox generator advances its offset once per call).
/// </summary>
public interface INoiseGenerator
{
    /// <summary>Fills <paramref name="destination"/> with N(0, 1) values, as one randn call of that many elements.</summary>
    void Randn(Span<float> destination);
}
