namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>A sampler: turns initial noise (and an init latent for img2img) into a latent with the model.</summary>
public interface ISampler
{
    /// <summary>Name, aliases, default scheduler and flags.</summary>
    SamplerInfo Info { get; }

    /// <summary>
    /// Runs the whole sampling loop and writes the result into <see cref="SamplingJob.Output"/>. Bad input throws
    /// <see cref="ArgumentException"/> (or a subclass) before any model call; cancellation throws
    /// <see cref="OperationCanceledException"/> between model calls.
    /// </summary>
    ValueTask SampleAsync(SamplingJob job, CancellationToken cancellationToken);

    /// <summary>The σ sequence this sampler would walk for <paramref name="job"/> (after the img2img cut), for infotext and tests.</summary>
    float[] GetSigmas(SamplingJob job);
}
