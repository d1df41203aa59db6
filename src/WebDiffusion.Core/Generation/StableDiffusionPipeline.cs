using System.Numerics.Tensors;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Resize;
using WebDiffusion.Core.Imaging.Tensors;
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
        Validate(request);
        var model = _context.Model;
        var (sampler, scheduler) = SamplerRegistry.Resolve(request.SamplerName, request.Scheduler);
        var resolvedType = ScheduleBuilder.Resolve(scheduler.Type, sampler.Info.DefaultScheduler);
        var schedulerLabel = SchedulerCatalog.Get(resolvedType).Label;
        RefuseExtraNetworks(request.Prompt);
        RefuseExtraNetworks(request.NegativePrompt);

        var count = request.ImageCount;
        var seed = Seeds.Resolve(request.Seed);
        var subseed = Seeds.Resolve(request.Subseed);
        var allSeeds = Seeds.ForImages(seed, count, (float)request.SubseedStrength);
        var allSubseeds = Seeds.SubseedsForImages(subseed, count);
        var (hiresWidth, hiresHeight) = request.EnableHr ? HiresTarget(request) : (0, 0);
        var textOptions = _context.TextOptions with { ClipSkip = request.ClipSkip ?? _context.TextOptions.ClipSkip };
        var settings = _context.Sampling;
        var isImg2Img = request.Mode == GenerationMode.Img2Img;
        var hires = request.Mode == GenerationMode.Txt2Img && request.EnableHr;
        var firstSetup = SamplingSetup.Resolve(sampler, scheduler.Type, request, settings, _context.Schedule, isImg2Img);
        var hrSampler = hires && request.HrSamplerName is { Length: > 0 } hrName ? SamplerRegistry.Resolve(hrName, null).Sampler : sampler;
        var hrSetup = hires ? SamplingSetup.Resolve(hrSampler, scheduler.Type, request, settings, _context.Schedule, img2img: true) : null;
        var plan = StepPlan.For(request, settings, _context.Schedule);
        var run = new GenerationRun
        {
            SamplerName = sampler.Info.Name,
            SchedulerLabel = schedulerLabel,
            AllSeeds = allSeeds,
            AllSubseeds = allSubseeds,
            ModelName = model.Description.Name,
            ModelHash = model.Description.Hash,
            HiresWidth = hiresWidth,
            HiresHeight = hiresHeight,
            SamplerInfotext = [.. firstSetup.Infotext, .. hrSetup?.Infotext ?? []],
            RandnSourceWritten = _context.RandnSource switch
            {
                RandnSource.Cpu => "CPU",
                RandnSource.NV => "NV",
                _ => null,
            },
            EnsdWritten = _context.EtaNoiseSeedDelta != 0 && sampler.Info.Has(SamplerFlags.UsesEnsd) && (firstSetup.Eta ?? 1.0) != 0 ? _context.EtaNoiseSeedDelta : null,
            ClipSkip = textOptions.ClipSkip,
            EmphasisWritten = EmphasisModeNames.Infotext(textOptions.Emphasis, request.Prompt, request.NegativePrompt,
                request.EnableHr ? request.HrPrompt : null, request.EnableHr ? request.HrNegativePrompt : null),
            Version = _context.Version,
        };

        var builder = new ConditioningBuilder(new OnnxTextEncoder(model.TextEncoder), _context.Tokenizer, _context.Embeddings?.Embeddings, textOptions);
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
            model.UNet.InChannels == 9);
    }

    /// <summary>A1111's hires target size (resize fields, or the scale).</summary>
    public static (int Width, int Height) HiresTarget(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (w, h) = (request.HrResizeX, request.HrResizeY) switch
        {
            (0, 0) => ((int)(request.Width * request.HrScale), (int)(request.Height * request.HrScale)),
            (var x, 0) => (x, x * request.Height / request.Width),
            (0, var y) => (y * request.Width / request.Height, y),
            var (x, y) => (x, y),
        };
        return (w / 8 * 8, h / 8 * 8);
    }

    private static void Validate(GenerationRequest request)
    {
        var problems = new List<string>();
        if (request.Width % 8 != 0 || request.Height % 8 != 0 || request.Width < 64 || request.Height < 64)
        {
            problems.Add($"width and height must be multiples of 8, at least 64 (got {request.Width}x{request.Height}).");
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

    private static void RefuseExtraNetworks(string prompt)
    {
        var tags = ExtraNetworkParser.Extract(prompt).Tags;
        if (tags.Count > 0)
        {
            throw new NotSupportedException(
                $"Extra networks are not supported yet: remove {string.Join(", ", tags.Select(t => $"<{t.Kind}:{t.Name}>"))} from the prompt.");
        }
    }

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
        var model = _context.Model;
        var (seeds, subseeds) = (b.Seeds, b.Subseeds);
        var batch = seeds.Length;
        var shape = LatentShape.ForImage(request.Width, request.Height);
        var noise = NewNoise(request, shape, seeds, subseeds);
        var noiseBuffer = new float[batch * shape.Count];
        noise.First(noiseBuffer);
        var output = new float[batch * shape.Count];
        var progress = new StepReporter(b.Observer, _context, shape, b.FirstIndex, b.ImageCount, b.TotalSteps, b.Offset, b.Plan.FirstPass);

        ImageConditioning? image = null;
        var init = ReadOnlyMemory<float>.Empty;
        if (img2img is not null)
        {
            image = await EncodeInitAsync(request, img2img, shape, batch, seeds, subseeds, cancellationToken).ConfigureAwait(false);
            init = image.InitLatent;
        }
        else if (model.UNet.InChannels == 9)
        {
            image = InpaintingTxt2ImgConditioning(shape, batch, cancellationToken);
        }

        var denoiser = new GuidedDenoiser(model.UNet, _context.Schedule, model.Description.PredictionType, shape, batch, cond, uncond, request.CfgScale, image);
        var job = new SamplingJob
        {
            Denoiser = denoiser,
            Model = _context.Schedule,
            Steps = request.Steps,
            Noise = noiseBuffer,
            Output = output,
            Seeds = seeds,
            InitLatent = init,
            DenoisingStrength = img2img is null ? 1.0 : request.DenoisingStrength,
            Img2ImgFixSteps = img2img is not null && _context.Sampling.Img2ImgFixSteps,
            Schedule = pass.Setup.Schedule,
            Parameters = pass.Setup.Parameters,
            AncestralNoise = noise,
            Progress = progress,
        };
        await pass.Sampler.SampleAsync(job, cancellationToken).ConfigureAwait(false);
        progress.Finish();
        if (image is { BlendsLatents: true })
        {
            GuidedDenoiser.Blend(output, image.InitLatent.Span, image.LatentMask.Span, batch, shape);
        }

        var latent = output;
        var finalShape = shape;
        if (hiresPass is not null)
        {
            (latent, finalShape) = await HiresAsync(request, pass.Sampler, hiresPass, latent, shape, b, cancellationToken).ConfigureAwait(false);
        }

        return Decode(latent, batch, finalShape, cancellationToken);
    }

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

    private async Task<(float[] Latent, LatentShape Shape)> HiresAsync(
        GenerationRequest request, ISampler firstSampler, Pass pass, float[] latent, LatentShape shape, BatchContext b, CancellationToken cancellationToken)
    {
        var (seeds, subseeds, builder) = (b.Seeds, b.Subseeds, b.Builder);
        var model = _context.Model;
        var batch = seeds.Length;
        var (tw, th) = HiresTarget(request);
        var target = LatentShape.ForImage(tw, th);
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
            var images = Decode(latent, batch, shape, cancellationToken).Select(i => Resampler.Resize(i, tw, th, filter)).ToList();
            init = EncodeImages(images, tw, th, cancellationToken);
        }

        var sampler = pass.Sampler;
        var steps = request.HrSecondPassSteps > 0 ? request.HrSecondPassSteps : request.Steps;
        var prompt = string.IsNullOrEmpty(request.HrPrompt) ? request.Prompt : request.HrPrompt;
        var negative = string.IsNullOrEmpty(request.HrNegativePrompt) ? request.NegativePrompt : request.HrNegativePrompt;
        var (cond, uncond) = await PassConditioning.BuildAsync(builder, prompt, negative, ScheduleSteps(firstSampler, request.Steps), ScheduleSteps(sampler, steps), request.CfgScale, cancellationToken)
            .ConfigureAwait(false);
        var noise = NewNoise(request with { SeedResizeFromW = 0, SeedResizeFromH = 0 }, target, seeds, subseeds);
        var progress = new StepReporter(b.Observer, _context, target, b.FirstIndex, b.ImageCount, b.TotalSteps, b.Offset + b.Plan.FirstPass, b.Plan.HiresPass);
        var noiseBuffer = new float[batch * target.Count];
        noise.First(noiseBuffer);
        var output = new float[batch * target.Count];
        var image = model.UNet.InChannels == 9 ? InpaintingTxt2ImgConditioning(target, batch, cancellationToken) : null;
        var denoiser = new GuidedDenoiser(model.UNet, _context.Schedule, model.Description.PredictionType, target, batch, cond, uncond, request.CfgScale, image);
        var job = new SamplingJob
        {
            Denoiser = denoiser,
            Model = _context.Schedule,
            Steps = steps,
            Noise = noiseBuffer,
            Output = output,
            Seeds = seeds,
            InitLatent = init,
            DenoisingStrength = request.HrDenoisingStrength,
            Img2ImgFixSteps = true,
            Schedule = pass.Setup.Schedule,
            Parameters = pass.Setup.Parameters,
            AncestralNoise = noise,
            Progress = progress,
        };
        await sampler.SampleAsync(job, cancellationToken).ConfigureAwait(false);
        progress.Finish();
        return (output, target);
    }

    private async Task<ImageConditioning> EncodeInitAsync(
        GenerationRequest request, Img2ImgInputs inputs, LatentShape shape, int batch, long[] seeds, long[] subseeds, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var per = shape.Count;
        var plane = shape.Height * shape.Width;
        var images = Enumerable.Range(0, batch).Select(i => inputs.Images[i % inputs.Images.Count]).ToList();
        float[] init;
        if (request.ResizeMode == ResizeMode.LatentUpscale && inputs.Mask is null)
        {
            var src = images[0];
            var srcShape = LatentShape.ForImage(src.Width / 8 * 8, src.Height / 8 * 8);
            var cropped = images.Select(i => i.Width % 8 == 0 && i.Height % 8 == 0 ? i : i.Crop(new PixelRect(0, 0, i.Width / 8 * 8, i.Height / 8 * 8))).ToList();
            var small = EncodeImages(cropped, srcShape.Width * 8, srcShape.Height * 8, cancellationToken);
            init = LatentResampler.Resize(small, batch * 4, srcShape.Height, srcShape.Width, shape.Height, shape.Width, LatentResampler.Mode.Bilinear);
        }
        else
        {
            init = EncodeImages(images, request.Width, request.Height, cancellationToken);
        }

        if (inputs.Mask is null)
        {
            return new ImageConditioning { InitLatent = init };
        }

        // Latent mask: the pixel mask resized to latent size and rounded (A1111's mask_round), 1 = regenerate.
        var latentMask = new float[batch * plane];
        var small8 = Resampler.Resize(inputs.Mask, shape.Width, shape.Height, ResampleFilter.Bilinear);
        for (var p = 0; p < plane; p++)
        {
            var m = MathF.Round(small8.Pixels[p] / 255f);
            for (var i = 0; i < batch; i++)
            {
                latentMask[(i * plane) + p] = m;
            }
        }

        if (request.InpaintingFill is InpaintingFill.LatentNoise or InpaintingFill.LatentNothing)
        {
            var fill = new float[batch * per];
            if (request.InpaintingFill == InpaintingFill.LatentNoise)
            {
                NewNoise(request, shape, seeds, subseeds).First(fill);
            }

            for (var i = 0; i < batch; i++)
            {
                for (var c = 0; c < shape.Channels; c++)
                {
                    for (var p = 0; p < plane; p++)
                    {
                        var k = (((i * shape.Channels) + c) * plane) + p;
                        var m = latentMask[(i * plane) + p];
                        init[k] = (init[k] * (1 - m)) + (fill[k] * m);
                    }
                }
            }
        }

        var extra = ReadOnlyMemory<float>.Empty;
        var extraCount = 0;
        if (_context.Model.UNet.InChannels == 9)
        {
            // Inpainting model: [mask, VAE(image with the masked area set to 0 = mid-grey)] as extra channels.
            extraCount = 5;
            var masked = images.Select(img => MaskOut(img, inputs.Mask)).ToList();
            var maskedLatent = EncodeImages(masked, request.Width, request.Height, cancellationToken);
            var extras = new float[batch * 5 * plane];
            for (var i = 0; i < batch; i++)
            {
                latentMask.AsSpan(i * plane, plane).CopyTo(extras.AsSpan(i * 5 * plane, plane));
                maskedLatent.AsSpan(i * per, per).CopyTo(extras.AsSpan((i * 5 * plane) + plane, per));
            }

            extra = extras;
        }

        return new ImageConditioning { InitLatent = init, LatentMask = latentMask, ExtraChannels = extra, ExtraChannelCount = extraCount };
    }

    /// <summary>txt2img with an inpainting model: an all-ones mask and the latent of a flat mid-grey image.</summary>
    private ImageConditioning InpaintingTxt2ImgConditioning(LatentShape shape, int batch, CancellationToken cancellationToken)
    {
        var plane = shape.Height * shape.Width;
        var grey = RgbaImage.Filled(shape.Width * 8, shape.Height * 8, 128, 128, 128);
        var latent = EncodeImages([.. Enumerable.Repeat(grey, batch)], shape.Width * 8, shape.Height * 8, cancellationToken);
        var extras = new float[batch * 5 * plane];
        for (var i = 0; i < batch; i++)
        {
            extras.AsSpan(i * 5 * plane, plane).Fill(1f);
            latent.AsSpan(i * shape.Count, shape.Count).CopyTo(extras.AsSpan((i * 5 * plane) + plane, shape.Count));
        }

        return new ImageConditioning { ExtraChannels = extras, ExtraChannelCount = 5 };
    }

    private static RgbaImage MaskOut(RgbaImage image, GrayImage mask)
    {
        var result = image.Clone();
        for (var p = 0; p < mask.Pixels.Length; p++)
        {
            if (mask.Pixels[p] >= 128)
            {
                result.Pixels[(p * 4) + 0] = 128;
                result.Pixels[(p * 4) + 1] = 128;
                result.Pixels[(p * 4) + 2] = 128;
            }
        }

        return result;
    }

    /// <summary>VAE-encodes images (each width × height) into scaled latents.</summary>
    private float[] EncodeImages(IReadOnlyList<RgbaImage> images, int width, int height, CancellationToken cancellationToken)
    {
        var encoder = _context.Model.VaeEncoder
            ?? throw new NotSupportedException($"The model '{_context.Model.Description.Name}' has no vae_encoder, so img2img, inpainting and image-upscaler hires fix are not available.");
        var pixels = ImageTensor.ToTensor(images);
        var latents = new float[images.Count * 4 * (height / 8) * (width / 8)];
        encoder.Encode(pixels, images.Count, height, width, latents, default, cancellationToken);
        TensorPrimitives.Multiply(latents, _context.Model.Description.LatentScale, latents);
        return latents;
    }

    private RgbaImage[] Decode(float[] latent, int batch, LatentShape shape, CancellationToken cancellationToken)
    {
        var scaled = new float[latent.Length];
        TensorPrimitives.Divide(latent, _context.Model.Description.LatentScale, scaled);
        var pixels = new float[batch * 3 * shape.Height * 8 * shape.Width * 8];
        TiledVaeDecoder.Decode(_context.Model.VaeDecoder, scaled, batch, shape, _context.VaeTileSize, _context.VaeTileOverlap, pixels, cancellationToken);
        return ImageTensor.FromTensor(pixels, batch, shape.Height * 8, shape.Width * 8);
    }

    /// <summary>A sampling pass: the sampler and its resolved settings.</summary>
    private sealed record Pass(ISampler Sampler, SamplingSetup Setup);

    /// <summary>One batch: its seeds, where its images and steps sit in the request, and the shared helpers.</summary>
    private sealed record BatchContext(
        long[] Seeds, long[] Subseeds, int FirstIndex, int ImageCount, int TotalSteps, int Offset, StepPlan Plan, ConditioningBuilder Builder, IGenerationObserver Observer);
}
