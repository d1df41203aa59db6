namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>
/// k-diffusion's scalings for wrapping a discrete-time UNet as a denoiser D(x, σ) = c_skip·x + c_out·F(c_in·x, t(σ)),
/// with σ_data = 1. ε-models: c_skip = 1, c_out = −σ, c_in = 1/sqrt(σ² + 1). v-models: c_skip = 1/(σ² + 1),
/// c_out = −σ/sqrt(σ² + 1), c_in = 1/sqrt(σ² + 1).
/// </summary>
public static class DenoiserScalings
{
    /// <summary>The (c_skip, c_out, c_in) triple for the prediction type at <paramref name="sigma"/>.</summary>
    public static (float CSkip, float COut, float CIn) Get(PredictionType prediction, float sigma)
    {
        var s2 = (double)sigma * sigma;
        var cIn = 1 / Math.Sqrt(s2 + 1);
        return prediction switch
        {
            PredictionType.VPrediction => ((float)(1 / (s2 + 1)), (float)(-sigma * cIn), (float)cIn),
            _ => (1f, -sigma, (float)cIn),
        };
    }

    /// <summary>
    /// Writes D = c_skip·x + c_out·output into <paramref name="denoised"/> (output = the UNet's ε or v for input c_in·x).
    /// </summary>
    public static void Combine(PredictionType prediction, float sigma, ReadOnlySpan<float> x, ReadOnlySpan<float> modelOutput, Span<float> denoised)
    {
        var (cSkip, cOut, _) = Get(prediction, sigma);
        System.Numerics.Tensors.TensorPrimitives.Multiply(x, cSkip, denoised);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(modelOutput, cOut, denoised, denoised);
    }
}
