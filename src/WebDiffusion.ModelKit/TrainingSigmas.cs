namespace WebDiffusion.ModelKit;

/// <summary>
/// The SD1.x training noise levels: scaled_linear betas from 0.00085 to 0.012 over 1000 steps,
/// alphas_cumprod = cumprod(1 − beta), sigma = sqrt((1 − alphas_cumprod) / alphas_cumprod). Computed in double.
/// </summary>
internal static class TrainingSigmas
{
    public const double BetaStart = 0.00085;
    public const double BetaEnd = 0.012;
    public const int Steps = 1000;

    public static double[] Compute()
    {
        var sigmas = new double[Steps];
        var start = Math.Sqrt(BetaStart);
        var end = Math.Sqrt(BetaEnd);
        var cumprod = 1.0;
        for (var i = 0; i < Steps; i++)
        {
            var root = start + ((end - start) * i / (Steps - 1));
            cumprod *= 1.0 - (root * root);
            sigmas[i] = Math.Sqrt((1.0 - cumprod) / cumprod);
        }

        return sigmas;
    }
}
