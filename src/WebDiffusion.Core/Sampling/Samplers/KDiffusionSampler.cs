using System.Globalization;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>Base of the σ-based samplers: schedule, img2img cut, initial x, buffers; subclasses run the loop.</summary>
internal abstract class KDiffusionSampler : ISampler
{
    protected KDiffusionSampler(SamplerInfo info) => Info = info;

    public SamplerInfo Info { get; }

    /// <summary>Work buffers the loop needs.</summary>
    protected virtual int BufferCount => 2;

    /// <summary>Default eta when the request has none.</summary>
    protected double Eta(SamplerRun run) => run.P.Eta ?? (Info.Has(SamplerFlags.UsesEta) ? 1.0 : 0.0);

    public float[] GetSigmas(SamplingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!job.IsImg2Img)
        {
            return Build(job, job.Steps);
        }

        var (steps, tEnc) = Img2ImgSteps.Setup(job.Steps, job.DenoisingStrength, job.Img2ImgFixSteps);
        var full = Build(job, Math.Max(steps, 1));
        var start = Math.Clamp(steps - tEnc - 1, 0, full.Length - 1);
        return full[start..];
    }

    public async ValueTask SampleAsync(SamplingJob job, CancellationToken cancellationToken)
    {
        SamplingValidation.Validate(job);
        if (job.IsImg2Img && job.DenoisingStrength <= 0)
        {
            job.InitLatent.Span.CopyTo(job.Output.Span);
            return;
        }

        var sigmas = GetSigmas(job);
        using var run = new SamplerRun(job, sigmas, BufferCount);
        InitialLatent(run);
        await RunAsync(run, cancellationToken).ConfigureAwait(false);
    }

    protected abstract ValueTask RunAsync(SamplerRun run, CancellationToken cancellationToken);

    private float[] Build(SamplingJob job, int steps) =>
        ScheduleBuilder.Build(job.Model, steps, job.Schedule, Info.DefaultScheduler, Info.Has(SamplerFlags.DiscardPenultimateSigma));

    private static void InitialLatent(SamplerRun run)
    {
        var job = run.Job;
        var x = run.X.Span;
        var noise = job.Noise.Span;
        double sigma0 = run.Sigmas[0];
        if (job.IsImg2Img)
        {
            SpanOps.Lin(noise, sigma0, job.InitLatent.Span, 1.0, x);
        }
        else
        {
            var scale = job.Parameters.SgmNoiseMultiplier ? Math.Sqrt(1 + (sigma0 * sigma0)) : sigma0;
            System.Numerics.Tensors.TensorPrimitives.Multiply(noise, (float)scale, x);
        }

        if (run.Sigmas.Length < 2)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The schedule has {run.Sigmas.Length} noise level(s); at least 2 are needed."));
        }
    }
}
