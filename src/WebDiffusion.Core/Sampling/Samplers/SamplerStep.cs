namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>One reported sampler step: valid only during the callback.</summary>
public readonly ref struct SamplerStep
{
    /// <summary>Creates the step record.</summary>
    public SamplerStep(int step, int total, float sigma, ReadOnlySpan<float> x, ReadOnlySpan<float> denoised)
    {
        Step = step;
        Total = total;
        Sigma = sigma;
        X = x;
        Denoised = denoised;
    }

    /// <summary>Zero-based step index.</summary>
    public int Step { get; }

    /// <summary>Number of steps of this run (0 when unknown in advance: DPM adaptive).</summary>
    public int Total { get; }

    /// <summary>The noise level the model was evaluated at.</summary>
    public float Sigma { get; }

    /// <summary>The current noisy latent (whole batch).</summary>
    public ReadOnlySpan<float> X { get; }

    /// <summary>The model's clean-latent estimate at this step (whole batch): use it for live previews.</summary>
    public ReadOnlySpan<float> Denoised { get; }
}
