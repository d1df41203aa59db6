namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>
/// The model as the samplers see it (k-diffusion's denoiser): D(x, σ), the estimate of the clean latent for the
/// noisy batch <c>x</c> at noise level σ. The implementation does the c_in scaling, the σ → timestep conversion, the
/// UNet run(s) and classifier-free guidance (see <see cref="Schedules.DenoiserScalings"/>).
/// </summary>
public interface IDenoiser
{
    /// <summary>
    /// Writes D(x, σ) for the whole batch into <paramref name="denoised"/> (same length as <paramref name="x"/>).
    /// <paramref name="x"/> is only valid until the returned task completes; do not keep it.
    /// </summary>
    ValueTask DenoiseAsync(ReadOnlyMemory<float> x, float sigma, Memory<float> denoised, CancellationToken cancellationToken);
}
