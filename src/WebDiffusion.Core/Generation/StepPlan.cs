using WebDiffusion.Core.Sampling.Samplers;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// The sampling steps a request runs per batch: the first pass (txt2img steps, or A1111's img2img step rule) plus the
/// hires pass (exactly its steps). Progress counts n_iter × this, so it runs monotonically from 0 to 1 over the job.
/// </summary>
/// <param name="FirstPass">Steps of the first pass of one batch.</param>
/// <param name="HiresPass">Steps of the hires pass of one batch (0 without hires fix).</param>
public sealed record StepPlan(int FirstPass, int HiresPass)
{
    /// <summary>Steps of one batch.</summary>
    public int PerBatch => FirstPass + HiresPass;

    /// <summary>Steps of the whole request (all batches).</summary>
    public int Total(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PerBatch * request.BatchCount;
    }

    /// <summary>The plan for <paramref name="request"/> with <paramref name="settings"/> on <paramref name="model"/>'s schedule.</summary>
    public static StepPlan For(GenerationRequest request, SamplerSettings settings, DiscreteSchedule model)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        var (sampler, scheduler) = SamplerRegistry.Resolve(request.SamplerName, request.Scheduler);
        var img2img = request.Mode == GenerationMode.Img2Img;
        var first = SamplingSetup.Resolve(sampler, scheduler.Type, request, settings, model, img2img);
        var firstSteps = PassSteps(sampler, model, request.Steps, first.Schedule, img2img ? request.DenoisingStrength : 1.0, img2img, settings.Img2ImgFixSteps);
        if (img2img || !request.EnableHr)
        {
            return new StepPlan(firstSteps, 0);
        }

        var hrSampler = request.HrSamplerName is { Length: > 0 } name ? SamplerRegistry.Resolve(name, null).Sampler : sampler;
        var hires = SamplingSetup.Resolve(hrSampler, request.HiresScheduleType(scheduler.Type), request, settings, model, img2img: true);
        var hrSteps = request.HrSecondPassSteps > 0 ? request.HrSecondPassSteps : request.Steps;
        return new StepPlan(firstSteps, PassSteps(hrSampler, model, hrSteps, hires.Schedule, request.HrDenoisingStrength, img2img: true, fixSteps: true));
    }

    /// <summary>Steps one pass walks: the σ intervals the sampler gets (0 for img2img at strength 0).</summary>
    public static int PassSteps(ISampler sampler, DiscreteSchedule model, int steps, ScheduleOptions schedule, double denoisingStrength, bool img2img, bool fixSteps)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        if (img2img && denoisingStrength <= 0)
        {
            return 0;
        }

        var job = new SamplingJob
        {
            Denoiser = NoDenoiser.Instance,
            Model = model,
            Steps = steps,
            Noise = ReadOnlyMemory<float>.Empty,
            Output = Memory<float>.Empty,
            Seeds = [0],
            InitLatent = img2img ? new float[1] : ReadOnlyMemory<float>.Empty,
            DenoisingStrength = img2img ? denoisingStrength : 1.0,
            Img2ImgFixSteps = fixSteps,
            Schedule = schedule,
        };
        return Math.Max(sampler.GetSigmas(job).Length - 1, 0);
    }

    private sealed class NoDenoiser : IDenoiser
    {
        public static readonly NoDenoiser Instance = new();

        public ValueTask DenoiseAsync(ReadOnlyMemory<float> x, float sigma, Memory<float> denoised, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Step planning never runs the model.");
    }
}
