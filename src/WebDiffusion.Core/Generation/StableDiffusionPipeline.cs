using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Resize;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Sampling.Samplers;
using WebDiffusion.Core.Sampling.Schedules;
using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Prompts;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// txt2img, img2img, inpainting (normal and 9-channel models), outpainting (a padded image + mask) and hires fix,
/// with A1111's semantics: per-image seeds (seed+i), batches of <c>batch_size</c> repeated <c>n_iter</c> times,
/// prompt-editing schedules, CFG, latent blending when inpainting, original pixels pasted back.
/// Each finished image goes to the observer before the next batch starts, so an interrupt keeps them.
/// </summary>
public sealed class StableDiffusionPipeline(GenerationContext context)
{
    private readonly GenerationContext _context = context ?? throw new ArgumentNullException(nameof(context));

    /// <summary>Runs <paramref name="request"/>; throws OperationCanceledException when <paramref name="stop"/> fires.</summary>
    public async Task<GenerationResult> RunAsync(GenerationRequest request, IGenerationObserver observer, ISkipSignal? skip, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(observer);
        var model = _context.Model;
        Validate(request, model.Latent);
        var (sampler, scheduler) = SamplerRegistry.Resolve(request.SamplerName, request.Scheduler);
        var resolvedType = ScheduleBuilder.Resolve(scheduler.Type, sampler.Info.DefaultScheduler);
        var schedulerLabel = SchedulerCatalog.Get(resolvedType).Label;
        var (loraHashes, loraWarnings) = PromptLoras.Apply(model, _context.Loras, request);
        loraWarnings = [.. loraWarnings, .. OtherExtraNetworkWarnings(request.Prompt, request.NegativePrompt)];

        var count = request.ImageCount;
        var seed = Seeds.Resolve(request.Seed);
        var subseed = Seeds.Resolve(request.Subseed);
        var allSeeds = Seeds.ForImages(seed, count, (float)request.SubseedStrength);
        var allSubseeds = Seeds.SubseedsForImages(subseed, count);
        var (hiresWidth, hiresHeight) = request.EnableHr ? HiresTarget(request, model.Latent) : (0, 0);
        var textOptions = _context.TextOptions with { ClipSkip = request.ClipSkip ?? _context.TextOptions.ClipSkip };
        var settings = _context.Sampling;
        var isImg2Img = request.Mode == GenerationMode.Img2Img;
        var hires = request.Mode == GenerationMode.Txt2Img && request.EnableHr;
        var firstSetup = SamplingSetup.Resolve(sampler, scheduler.Type, request, settings, _context.Schedule, isImg2Img);
        var hrSampler = hires && request.HrSamplerName is { Length: > 0 } hrName ? SamplerRegistry.Resolve(hrName, null).Sampler : sampler;
        var hrScheduleType = request.HiresScheduleType(scheduler.Type);
        var hrSetup = hires ? SamplingSetup.Resolve(hrSampler, hrScheduleType, request, settings, _context.Schedule, img2img: true) : null;
        var plan = StepPlan.For(request, settings, _context.Schedule);
        var run = new GenerationRun
        {
            SamplerName = sampler.Info.Name,
            SchedulerLabel = schedulerLabel,
            AllSeeds = allSeeds,
            AllSubseeds = allSubseeds,
            ModelName = model.Description.InfotextName,
            ModelHash = model.Description.Hash,
            Vae = model.Vae,
            HiresWidth = hiresWidth,
            HiresHeight = hiresHeight,
            SamplerInfotext = [.. firstSetup.Infotext, .. hrSetup?.Infotext ?? []],
            RandnSourceWritten = _context.RandnSource switch
            {
                RandnSource.Cpu => "CPU",
                RandnSource.NV => "NV",
                _ => null,
            },
            HiresScheduleWritten = hires && hrScheduleType != scheduler.Type ? SchedulerCatalog.Get(hrScheduleType).Label : null,
            NoiseMultiplierWritten = isImg2Img && InitialNoiseMultiplier(request) is var multiplier && multiplier != 1.0 ? multiplier : null,
            EnsdWritten = _context.EtaNoiseSeedDelta != 0 && sampler.Info.Has(SamplerFlags.UsesEnsd) && (firstSetup.Eta ?? 1.0) != 0 ? _context.EtaNoiseSeedDelta : null,
            ClipSkip = textOptions.ClipSkip,
            EmphasisWritten = EmphasisModeNames.Infotext(textOptions.Emphasis, request.Prompt, request.NegativePrompt,
                request.EnableHr ? request.HrPrompt : null, request.EnableHr ? request.HrNegativePrompt : null),
            Version = _context.Version,
        };

        var builder = new ConditioningBuilder(new OnnxTextEncoder(model.TextEncoder), _context.Tokenizer, _context.Embeddings?.Embeddings, textOptions);
        var (tiHashes, embeddingWarnings) = PromptEmbeddingReport.For(builder, _context.Embeddings, request, ScheduleSteps(sampler, request.Steps), textOptions);
        run = run with { TiHashes = tiHashes, LoraHashes = loraHashes };
        var (cond, uncond) = await PassConditioning.BuildAsync(builder, request.Prompt, request.NegativePrompt, ScheduleSteps(sampler, request.Steps), null, request.CfgScale, stop).ConfigureAwait(false);

        var img2img = request.Mode == GenerationMode.Img2Img ? Img2ImgInputs.Prepare(request, _context.MaxUploadPixels) : null;
        var infotexts = new List<string>();
        var done = 0;
        for (var batchIndex = 0; batchIndex < request.BatchCount; batchIndex++)
        {
            stop.ThrowIfCancellationRequested();
            var first = batchIndex * request.BatchSize;
            var seeds = allSeeds.Skip(first).Take(request.BatchSize).ToArray();
            var subseeds = allSubseeds.Skip(first).Take(request.BatchSize).ToArray();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, skip?.Current ?? CancellationToken.None);
            RgbaImage[] images;
            try
            {
                var batch = new BatchContext(seeds, subseeds, first, count, plan.Total(request), batchIndex * plan.PerBatch, plan, builder, observer);
                images = await RunBatchAsync(request, new Pass(sampler, firstSetup), hrSetup is null ? null : new Pass(hrSampler, hrSetup), cond, uncond, img2img, batch, linked.Token)
                    .ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested && skip is not null && skip.Current.IsCancellationRequested)
            {
                skip.Reset();
                continue;
            }

            for (var i = 0; i < images.Length; i++)
            {
                var index = first + i;
                var final = img2img?.Finish(images[i], index) ?? images[i];
                var infotext = InfotextFactory.Create(request, run, index);
                infotexts.Add(infotext);
                await observer.OnImageAsync(new GeneratedImage(final, index, allSeeds[index], allSubseeds[index], request.Prompt, request.NegativePrompt, infotext), stop)
                    .ConfigureAwait(false);
                done++;
            }
        }

        return new GenerationResult(request.Prompt, request.NegativePrompt, seed, subseed, allSeeds, allSubseeds, infotexts, sampler.Info.Name, schedulerLabel, done,
            model.UNet.IsInpainting)
        {
            Comments = [.. loraWarnings, .. embeddingWarnings],
        };
    }

    /// <summary>A1111's hires target size (resize fields, or the scale), floored to a multiple of 8 (SD's VAE factor).</summary>
    public static (int Width, int Height) HiresTarget(GenerationRequest request) => HiresTarget(request, LatentFormat.StableDiffusion);

    /// <summary>A1111's hires target size (resize fields, or the scale), floored to a multiple of <paramref name="latent"/>'s factor.</summary>
    public static (int Width, int Height) HiresTarget(GenerationRequest request, LatentFormat latent)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(latent);
        var (w, h) = (request.HrResizeX, request.HrResizeY) switch
        {
            (0, 0) => ((int)(request.Width * request.HrScale), (int)(request.Height * request.HrScale)),
            (var x, 0) => (x, x * request.Height / request.Width),
            (0, var y) => (y * request.Width / request.Height, y),
            var (x, y) => (x, y),
        };
        return (latent.Floor(w), latent.Floor(h));
    }

    private static void Validate(GenerationRequest request, LatentFormat latent)
    {
        var problems = new List<string>();
        if (!latent.IsValidSide(request.Width) || !latent.IsValidSide(request.Height))
        {
            problems.Add($"width and height must be multiples of {latent.ScaleFactor}, at least {latent.MinimumSide} (got {request.Width}x{request.Height}).");
        }

        if (request.Steps < 1)
        {
            problems.Add("steps must be at least 1.");
        }

        if (!double.IsFinite(request.CfgScale))
        {
            problems.Add("cfg_scale must be a finite number.");
        }

        if (request.BatchSize < 1 || request.BatchCount < 1)
        {
            problems.Add("batch_size and n_iter must be at least 1.");
        }

        if (request.Tiling)
        {
            problems.Add("Seamless tiling is not implemented yet.");
        }

        if (request.Mode == GenerationMode.Img2Img && request.InitImages.Count == 0)
        {
            problems.Add("img2img needs an init image.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }

    /// <summary>Steps counted in denoiser calls, as prompt schedules count them (second-order samplers call twice per step).</summary>
    private static int ScheduleSteps(ISampler sampler, int steps) => sampler.Info.Has(SamplerFlags.SecondOrder) ? steps * 2 : steps;

    /// <summary>
    /// A1111's "Skipping unknown extra network: kind" for tags that are not LoRA (hypernetworks are not applied yet): the
    /// image is generated without them and the tags stay in the infotext.
    /// </summary>
    private static IReadOnlyList<string> OtherExtraNetworkWarnings(params string[] prompts) =>
        ExtraNetworkAvailability.Warnings([.. prompts.SelectMany(p => ExtraNetworkParser.Extract(p).Tags).Where(t => !PromptLoras.IsLoraTag(t))]);

    private async Task<RgbaImage[]> RunBatchAsync(
        GenerationRequest request,
        Pass pass,
        Pass? hiresPass,
        IReadOnlyList<WeightedConditioning> cond,
        ConditioningSchedule? uncond,
        Img2ImgInputs? img2img,
        BatchContext b,
        CancellationToken cancellationToken)
    {
        var (seeds, subseeds) = (b.Seeds, b.Subseeds);
        var batch = seeds.Length;
        var vae = new VaeCodec(_context);
        var inpainting = new InpaintingConditioning(vae, _context.Model.UNet.IsInpainting);
        var shape = vae.Latent.ShapeFor(request.Width, request.Height);
        var image = img2img is null
            ? inpainting.ForTxt2Img(shape, batch, cancellationToken)
            : inpainting.ForInitImages(request, img2img, shape, seeds, () => NewNoise(request, shape, seeds, subseeds), cancellationToken);
        var latent = await new DenoisePass
        {
            Sampler = pass.Sampler,
            Setup = pass.Setup,
            Shape = shape,
            Seeds = seeds,
            Cond = cond,
            Uncond = uncond,
            CfgScale = request.CfgScale,
            Steps = request.Steps,
            Noise = NewNoise(request, shape, seeds, subseeds),
            Progress = new StepReporter(b.Observer, _context, shape, b.FirstIndex, b.ImageCount, b.TotalSteps, b.Offset, b.Plan.FirstPass),
            Image = image,
            InitLatent = image?.InitLatent ?? ReadOnlyMemory<float>.Empty,
            DenoisingStrength = img2img is null ? 1.0 : request.DenoisingStrength,
            FixSteps = img2img is not null && _context.Sampling.Img2ImgFixSteps,
            NoiseMultiplier = img2img is null ? 1.0 : InitialNoiseMultiplier(request),
        }.RunAsync(_context, cancellationToken).ConfigureAwait(false);

        var finalShape = shape;
        if (hiresPass is not null)
        {
            (latent, finalShape) = await HiresAsync(request, vae, inpainting, pass.Sampler, hiresPass, latent, shape, b, cancellationToken).ConfigureAwait(false);
        }

        return vae.Decode(latent, batch, finalShape, cancellationToken);
    }

    /// <summary>img2img's initial noise multiplier: the request's, else the option's.</summary>
    private double InitialNoiseMultiplier(GenerationRequest request) => request.InitialNoiseMultiplier ?? _context.Sampling.InitialNoiseMultiplier;

    private ImageNoise NewNoise(GenerationRequest request, LatentShape shape, long[] seeds, long[] subseeds) => new(new ImageNoiseOptions
    {
        Shape = shape,
        Seeds = seeds,
        Subseeds = subseeds,
        SubseedStrength = (float)request.SubseedStrength,
        SeedResizeFromWidth = request.SeedResizeFromW > 0 && request.SeedResizeFromH > 0 ? request.SeedResizeFromW : 0,
        SeedResizeFromHeight = request.SeedResizeFromW > 0 && request.SeedResizeFromH > 0 ? request.SeedResizeFromH : 0,
        Source = _context.RandnSource,
        CudaHost = _context.CudaHost,
        EtaNoiseSeedDelta = _context.EtaNoiseSeedDelta,
    });

    /// <summary>The hires pass: the first pass's latent upscaled (in latent space, or decoded, resized and re-encoded), then denoised again.</summary>
    private async Task<(float[] Latent, LatentShape Shape)> HiresAsync(
        GenerationRequest request, VaeCodec vae, InpaintingConditioning inpainting, ISampler firstSampler, Pass pass, float[] latent, LatentShape shape, BatchContext b,
        CancellationToken cancellationToken)
    {
        var (seeds, subseeds, builder) = (b.Seeds, b.Subseeds, b.Builder);
        var batch = seeds.Length;
        var (tw, th) = HiresTarget(request, vae.Latent);
        var target = vae.Latent.ShapeFor(tw, th);
        float[] init;
        if (LatentResampler.FromUpscalerName(request.HrUpscaler) is { } mode)
        {
            init = LatentResampler.Resize(latent, batch * shape.Channels, shape.Height, shape.Width, target.Height, target.Width, mode);
        }
        else
        {
            var filter = request.HrUpscaler switch
            {
                "Nearest" => ResampleFilter.Nearest,
                "None" or "Lanczos" => ResampleFilter.Lanczos3,
                _ => throw new ArgumentException($"Unknown hires upscaler '{request.HrUpscaler}'. Use Latent, Latent (bicubic), Latent (nearest), Latent (nearest-exact), Lanczos, Nearest or None."),
            };
            var images = vae.Decode(latent, batch, shape, cancellationToken).Select(i => Resampler.Resize(i, tw, th, filter)).ToList();
            init = vae.Encode(images, tw, th, cancellationToken);
        }

        var steps = request.HrSecondPassSteps > 0 ? request.HrSecondPassSteps : request.Steps;
        var prompt = string.IsNullOrEmpty(request.HrPrompt) ? request.Prompt : request.HrPrompt;
        var negative = string.IsNullOrEmpty(request.HrNegativePrompt) ? request.NegativePrompt : request.HrNegativePrompt;
        var (cond, uncond) = await PassConditioning.BuildAsync(builder, prompt, negative, ScheduleSteps(firstSampler, request.Steps), ScheduleSteps(pass.Sampler, steps), request.CfgScale, cancellationToken)
            .ConfigureAwait(false);
        var output = await new DenoisePass
        {
            Sampler = pass.Sampler,
            Setup = pass.Setup,
            Shape = target,
            Seeds = seeds,
            Cond = cond,
            Uncond = uncond,
            CfgScale = request.CfgScale,
            Steps = steps,
            Noise = NewNoise(request with { SeedResizeFromW = 0, SeedResizeFromH = 0 }, target, seeds, subseeds),
            Progress = new StepReporter(b.Observer, _context, target, b.FirstIndex, b.ImageCount, b.TotalSteps, b.Offset + b.Plan.FirstPass, b.Plan.HiresPass),
            Image = inpainting.ForTxt2Img(target, batch, cancellationToken),
            InitLatent = init,
            DenoisingStrength = request.HrDenoisingStrength,
            FixSteps = true,
        }.RunAsync(_context, cancellationToken).ConfigureAwait(false);
        return (output, target);
    }

    /// <summary>A sampling pass: the sampler and its resolved settings.</summary>
    private sealed record Pass(ISampler Sampler, SamplingSetup Setup);

    /// <summary>One batch: its seeds, where its images and steps sit in the request, and the shared helpers.</summary>
    private sealed record BatchContext(
        long[] Seeds, long[] Subseeds, int FirstIndex, int ImageCount, int TotalSteps, int Offset, StepPlan Plan, ConditioningBuilder Builder, IGenerationObserver Observer);
}
