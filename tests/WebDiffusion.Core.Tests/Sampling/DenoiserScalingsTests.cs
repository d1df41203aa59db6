using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Tests.Sampling;

/// <summary>
/// The denoiser scalings recover the clean latent from what a perfect model predicts. In k-diffusion's σ space a noisy
/// latent is x = x0 + σ·ε; the UNet sees c_in·x = α·x0 + s·ε with α = 1/√(1+σ²), s = σ/√(1+σ²) (DDPM's x_t). An
/// ε-model predicts ε; a v-model (Salimans &amp; Ho, "Progressive Distillation") predicts v = α·ε − s·x0.
/// </summary>
public class DenoiserScalingsTests
{
    [Theory]
    [InlineData(0.0292)]
    [InlineData(1.0)]
    [InlineData(3.7)]
    [InlineData(14.6146)]
    public void A_perfect_prediction_of_either_kind_denoises_to_the_clean_latent(double sigma)
    {
        var random = new Random(1234);
        var x0 = Enumerable.Range(0, 64).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var eps = Enumerable.Range(0, 64).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var alpha = 1 / Math.Sqrt(1 + (sigma * sigma));
        var s = sigma * alpha;
        var x = x0.Zip(eps, (a, e) => (float)(a + (sigma * e))).ToArray();
        var v = x0.Zip(eps, (a, e) => (float)((alpha * e) - (s * a))).ToArray();

        var fromEps = new float[64];
        var fromV = new float[64];
        DenoiserScalings.Combine(PredictionType.Epsilon, (float)sigma, x, eps, fromEps);
        DenoiserScalings.Combine(PredictionType.VPrediction, (float)sigma, x, v, fromV);

        var tolerance = 2e-5 * (1 + sigma);
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(x0[i], fromEps[i], tolerance);
            Assert.Equal(x0[i], fromV[i], tolerance);
        }

        // Both models see the same scaled input.
        Assert.Equal(alpha, DenoiserScalings.Get(PredictionType.VPrediction, (float)sigma).CIn, 1e-6);
        Assert.Equal(alpha, DenoiserScalings.Get(PredictionType.Epsilon, (float)sigma).CIn, 1e-6);
    }
}
