using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Sampling.Samplers.Timesteps;

/// <summary>
/// Base of A1111's "timesteps" samplers (DDIM, PLMS, UniPC). They work on the VP latent x_t = sqrt(ᾱ)·x₀ + sqrt(1 − ᾱ)·ε,
/// ignore the schedule type, and start from the raw noise (txt2img) or from q-sample of the init latent (img2img).
/// The model is the same <see cref="IDenoiser"/>: for ᾱ the σ is sqrt((1 − ᾱ)/ᾱ), the VE input x_t/sqrt(ᾱ), and
/// ε = (x_t/sqrt(ᾱ) − D)/σ. Like A1111 the result is the VP latent at ᾱ_0 (σ ≈ 0.029), which is what gets decoded.
/// Progress reports come after each update, with the σ of the reported (VP) latent.
/// </summary>
internal abstract class TimestepSampler(SamplerInfo info) : ISampler
{
    public SamplerInfo Info { get; } = info;

    protected virtual int BufferCount => 4;

    public float[] GetSigmas(SamplingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var (timesteps, _) = Schedule(job);
        var ac = job.Model.AlphasCumprod;
        var result = new float[timesteps.Length + 1];
        for (var i = 0; i < timesteps.Length; i++)
        {
            result[i] = (float)DiscreteSchedule.SigmaFromAlphaCumprod(ac[timesteps[timesteps.Length - 1 - i]]);
        }

        result[^1] = (float)DiscreteSchedule.SigmaFromAlphaCumprod(ac[0]);
        return result;
    }

    public async ValueTask SampleAsync(SamplingJob job, CancellationToken cancellationToken)
    {
        SamplingValidation.Validate(job);
        if (job.IsImg2Img && job.DenoisingStrength <= 0)
        {
            job.InitLatent.Span.CopyTo(job.Output.Span);
            return;
        }

        var (timesteps, noiseAt) = Schedule(job);
        using var run = new SamplerRun(job, GetSigmas(job), BufferCount);
        if (job.IsImg2Img)
        {
            double a = job.Model.AlphasCumprod[noiseAt];
            SpanOps.Lin(job.InitLatent.Span, Math.Sqrt(a), job.Noise.Span, Math.Sqrt(1 - a), run.X.Span);
        }
        else
        {
            job.Noise.Span.CopyTo(run.X.Span);
        }

        if (timesteps.Length == 0)
        {
            return;
        }

        await RunAsync(run, timesteps, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the loop over <paramref name="timesteps"/> (ascending; walk from the end).</summary>
    protected abstract ValueTask RunAsync(SamplerRun run, int[] timesteps, CancellationToken cancellationToken);

    /// <summary>ε and D for the VP latent at ᾱ: D into <paramref name="denoised"/>, ε into <paramref name="eps"/>.</summary>
    protected static async ValueTask EpsAsync(SamplerRun run, Memory<float> xVp, double alphaCumprod, Memory<float> eps, Memory<float> denoised, CancellationToken cancellationToken)
    {
        var sigma = DiscreteSchedule.SigmaFromAlphaCumprod(alphaCumprod);
        System.Numerics.Tensors.TensorPrimitives.Multiply(xVp.Span, (float)(1 / Math.Sqrt(alphaCumprod)), eps.Span);
        await run.DenoiseAsync(eps, sigma, denoised, cancellationToken).ConfigureAwait(false);
        SpanOps.ToD(eps.Span, denoised.Span, sigma, eps.Span);
    }

    private (int[] Timesteps, int NoiseAt) Schedule(SamplingJob job)
    {
        var discard = Info.Has(SamplerFlags.DiscardPenultimateSigma) || job.Schedule.AlwaysDiscardPenultimateSigma;
        var n = job.Model.Count;
        if (!job.IsImg2Img)
        {
            return (TimestepSchedule.Get(job.Steps, n, discard), -1);
        }

        var (steps, tEnc) = Img2ImgSteps.Setup(job.Steps, job.DenoisingStrength, job.Img2ImgFixSteps);
        var all = TimestepSchedule.Get(Math.Max(steps, 1), n, discard);
        tEnc = Math.Min(tEnc, all.Length - 1);
        return (all[..tEnc], all[tEnc]);
    }
}
