namespace WebDiffusion.ModelKit;

/// <summary>The data distribution the analytic model denoises exactly: every latent element ~ N(<see cref="Mean"/>, <see cref="StdDev"/>²).</summary>
/// <param name="Mean">The mean mu of each latent element.</param>
/// <param name="StdDev">The standard deviation s of each latent element (&gt; 0).</param>
public sealed record AnalyticModelParameters(float Mean, float StdDev)
{
    /// <summary>The parameters <see cref="TinyModelWriter.WriteModel"/> uses for <see cref="TinyModelVariant.Analytic"/>: mu = 0.25, s = 0.75.</summary>
    public static AnalyticModelParameters Default { get; } = new(0.25f, 0.75f);

    /// <summary>The file in the model folder that records these parameters.</summary>
    public const string FileName = "analytic.json";
}
