using System.Text.Json;
using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Sampling.Schedules;
using WebDiffusion.Server.Api;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Generation;

/// <summary>Runs a job through <see cref="StableDiffusionPipeline"/> on the cached model; encodes images and previews as PNG.</summary>
/// <remarks>
/// A job that names a checkpoint (<c>model</c>, or <c>override_settings.sd_model_checkpoint</c>) runs on it without changing
/// the selected model, as A1111's <c>override_settings_restore_afterwards</c> (default true) does; with that flag false
/// the checkpoint becomes the selected model when the job starts.
/// </remarks>
public sealed class PipelineJobExecutor(JobRequestParser parser, ModelCache models, SdApiOptionsStore options, CurrentModelSelection selection) : IJobExecutor
{
    private static readonly string Version = "WebDiffusion " + (typeof(PipelineJobExecutor).Assembly.GetName().Version?.ToString(3) ?? "0");
    private static readonly PngEncoderOptions PreviewPng = new() { MaxDegreeOfParallelism = 1 };

    /// <summary>
    /// Reads the job once: the envelope, the request parsed with its profile's defaults (on the checkpoint resolved at
    /// submission), and the images and sampling steps of the whole job: n_iter × (first pass + hires pass), with A1111's
    /// img2img step rule and the stored sampler options (they can change the count: discard penultimate σ, img2img_fix_steps).
    /// </summary>
    public PlannedJob Plan(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var envelope = JobEnvelope.Parse(job.RequestJson ?? throw new ArgumentException("The job was read without its request."));
        using var document = JsonDocument.Parse(envelope.Request.ToJsonString());
        var mode = job.Mode == "img2img" ? GenerationMode.Img2Img : GenerationMode.Txt2Img;
        var request = parser.ParseStored(document.RootElement, mode, envelope.Profile) with { Model = envelope.Checkpoint };
        var settings = SamplerOptionSettings.Read(options.Read(), request.OverrideSettings);
        var passes = StepPlan.For(request, settings, models.LoadedSchedule ?? DiscreteSchedule.StableDiffusion);
        return new PlannedJob(envelope, request, request.ImageCount, passes.Total(request), passes);
    }

    public async Task ExecuteAsync(JobExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var (envelope, parsed) = (execution.Plan.Envelope, execution.Plan.Request);
        if (parsed.Model is { } model && !envelope.RestoreAfterwards && selection.Name != model)
        {
            selection.Select(model);
        }

        var stored = options.Read();
        var text = TextSettings.Resolve(parsed, stored);
        var request = parsed with { ClipSkip = text.Options.ClipSkip };
        var vae = request.OverrideSettings.TryGetValue("sd_vae", out var v) ? v : stored["sd_vae"]?.GetValue<string>();
        using var lease = models.Acquire(request.Model, vae, Version);
        var context = WithOptions(lease.Context, request, stored) with { TextOptions = text.Options };
        var pipeline = new StableDiffusionPipeline(context);
        var observer = new Observer(execution, request);
        var result = await pipeline.RunAsync(request, observer, new SkipSignal(execution.Control), cancellationToken).ConfigureAwait(false);
        execution.SetResult(SdApiInfo.Create(request, result, context.Model.Description));
    }

    /// <summary>Applies A1111's RNG and sampler settings (the request's override_settings, else the stored options).</summary>
    private static GenerationContext WithOptions(GenerationContext context, GenerationRequest request, System.Text.Json.Nodes.JsonObject stored)
    {
        var source = request.OverrideSettings.TryGetValue("randn_source", out var s) ? s : stored["randn_source"]?.GetValue<string>();
        var ensdText = request.OverrideSettings.TryGetValue("eta_noise_seed_delta", out var e) ? e : stored["eta_noise_seed_delta"]?.ToJsonString();
        var ensd = long.TryParse(ensdText, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
        return context with
        {
            RandnSource = NoiseGenerators.Parse(source),
            EtaNoiseSeedDelta = ensd,
            Sampling = SamplerOptionSettings.Read(stored, request.OverrideSettings),
        };
    }

    private sealed class SkipSignal(JobControl control) : ISkipSignal
    {
        public CancellationToken Current => control.SkipToken;

        public void Reset() => control.NextImage();
    }

    private sealed class Observer(JobExecution execution, GenerationRequest request) : IGenerationObserver
    {
        public void OnStep(GenerationStep step) =>
            execution.ReportStep(new StepProgress(step.Step, step.TotalSteps, step.ImageIndex, step.Sigma, step.Preview is null ? null : PngEncoder.Encode(step.Preview, PreviewPng)));

        public Task OnImageAsync(GeneratedImage image, CancellationToken cancellationToken)
        {
            var png = PngEncoder.Encode(image.Image, new PngEncoderOptions { Texts = [new("parameters", image.Infotext)] });
            return execution.ImageReadyAsync(new FinishedImage(png, image.Index, image.Seed, image.Image.Width, image.Image.Height, request.Prompt, image.Infotext), cancellationToken);
        }
    }
}
