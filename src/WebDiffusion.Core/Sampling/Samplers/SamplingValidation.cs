using System.Globalization;

namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>Checks a <see cref="SamplingJob"/> before any model call.</summary>
internal static class SamplingValidation
{
    public static void Validate(SamplingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(job.Denoiser);
        ArgumentNullException.ThrowIfNull(job.Seeds);
        if (job.Steps < 1 || job.Steps > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(job), job.Steps, "Sampling steps must be between 1 and 1000.");
        }

        if (job.Output.IsEmpty || job.Noise.Length != job.Output.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Noise ({job.Noise.Length} values) and output ({job.Output.Length} values) must be non-empty and the same size."), nameof(job));
        }

        if (job.Seeds.Count == 0 || job.Output.Length % job.Seeds.Count != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The latent ({job.Output.Length} values) must split evenly into one part per seed ({job.Seeds.Count} seeds)."), nameof(job));
        }

        if (job.IsImg2Img && job.InitLatent.Length != job.Output.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The init latent has {job.InitLatent.Length} values; the output has {job.Output.Length}."), nameof(job));
        }

        if (double.IsNaN(job.DenoisingStrength) || job.DenoisingStrength < 0 || job.DenoisingStrength > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(job), job.DenoisingStrength, "Denoising strength must be between 0 and 1.");
        }

        var p = job.Parameters;
        if (p.Eta is { } eta && (double.IsNaN(eta) || eta < 0 || eta > 10))
        {
            throw new ArgumentOutOfRangeException(nameof(job), eta, "Eta must be between 0 and 10.");
        }

        if (double.IsNaN(p.SNoise) || p.SNoise < 0 || double.IsNaN(p.SChurn) || p.SChurn < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(job), "s_noise and s_churn must be non-negative numbers.");
        }
    }
}
