namespace WebDiffusion.Core.Sampling.Noise;

/// <summary>
/// Noise that a stochastic sampler adds on the step from <c>sigma</c> to <c>sigmaNext</c>, for the whole batch
/// (k-diffusion's <c>noise_sampler(sigma, sigma_next)</c>): standard normal per element.
/// </summary>
public interface INoiseSampler
{
    /// <summary>Fills <paramref name="destination"/> (the whole batch latent) with N(0, 1) noise for this step.</summary>
    void Sample(float sigma, float sigmaNext, Span<float> destination);
}
