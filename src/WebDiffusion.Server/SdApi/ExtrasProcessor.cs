using System.Net;
using Microsoft.Extensions.Options;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Codecs;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Infotext.Metadata;
using WebDiffusion.Core.Upscaling;
using WebDiffusion.Server.Api;
using WebDiffusion.Server.Jobs;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// Upscales Extras images one request at a time (like A1111's queue lock, so parallel calls cannot multiply memory use),
/// saves every result under <c>outputs/extras-images</c> (written atomically by <see cref="OutputWriter"/>) and records it
/// in the image index with its owner (kind <see cref="ImageKind.Extras"/>, no job, empty prompt, A1111's postprocessing
/// text as infotext), and returns the PNGs with A1111's <c>html_info</c>.
/// </summary>
public sealed class ExtrasProcessor(
    OutputWriter outputs, JobStore store, IOptions<GenerationLimits> limits, UpscalerCatalog catalog, NeuralUpscalerCache upscalers, ILogger<ExtrasProcessor> logger) : IDisposable
{
    /// <summary>Largest side of any image Extras produces.</summary>
    public const int MaxOutputSide = 8192;

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The largest accepted upload side (<see cref="GenerationLimits.MaxUploadSide"/>).</summary>
    public int MaxUploadSide => limits.Value.MaxUploadSide;

    /// <summary>The largest accepted request body.</summary>
    public long MaxBodyBytes => limits.Value.MaxBodyBytes;

    /// <summary>Names of the model upscalers in models/ESRGAN and models/RealESRGAN (<see cref="UpscalerCatalog"/>).</summary>
    public IReadOnlyList<string> ModelUpscalerNames() => [.. catalog.List().Select(e => e.Name)];

    /// <summary>Plans <paramref name="input"/>'s upscale and checks the output limit; nothing is decoded.</summary>
    public static (ExtrasPlan? Plan, ExtrasProblem? Problem) Plan(ExtrasImageInput input, ExtrasParameters parameters, string field)
    {
        ArgumentNullException.ThrowIfNull(input);
        var plan = ExtrasPlan.Create(input.Width, input.Height, parameters);
        return plan.LargestSide > MaxOutputSide
            ? (null, ExtrasProblem.BadRequest(
                $"{field}: upscaling {input.Width}x{input.Height} would give {plan.Width}x{plan.Height}; the largest output side is {MaxOutputSide} pixels (Extras MaxOutputSide)."))
            : (plan, null);
    }

    /// <summary>
    /// Runs the planned upscales in order for <paramref name="owner"/>; returns the PNGs and A1111's html_info of the
    /// last one, or a problem.
    /// </summary>
    public async Task<(IReadOnlyList<byte[]> Images, string HtmlInfo, ExtrasProblem? Problem)> ProcessAsync(
        IReadOnlyList<(ExtrasImageInput Input, ExtrasPlan Plan)> items, ExtrasParameters parameters, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(owner);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var results = new List<byte[]>(items.Count);
            var info = string.Empty;
            foreach (var (input, plan) in items)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (png, problem) = await Task.Run(() => Upscale(input, plan, parameters), cancellationToken).ConfigureAwait(false);
                if (problem is not null)
                {
                    return ([], string.Empty, problem);
                }

                // Once the upscale is done the result is kept: saving and indexing are not torn by a dropped request.
                var saved = await outputs.SaveAsync("extras", 0, png!, CancellationToken.None).ConfigureAwait(false);
                var id = Guid.NewGuid().ToString("N");
                store.AddImage(new ImageRecord(
                    id, null, owner, saved, 0, plan.Width, plan.Height, string.Empty, plan.InfoText, DateTimeOffset.UtcNow, ImageKind.Extras));
                logger.LogInformation("Extras: {Name} {Width}x{Height} -> {OutWidth}x{OutHeight} ({Upscaler}) saved as image {Id} for {Owner}",
                    input.Name, input.Width, input.Height, plan.Width, plan.Height, parameters.Upscaler, id, owner);
                results.Add(png!);
                info = plan.InfoText;
            }

            return (results, $"<p>{WebUtility.HtmlEncode(info)}</p>", null);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private (byte[]? Png, ExtrasProblem? Problem) Upscale(ExtrasImageInput input, ExtrasPlan plan, ExtrasParameters parameters)
    {
        RgbaImage image;
        string? originalParameters;
        try
        {
            (image, originalParameters) = Decode(input, (long)MaxUploadSide * MaxUploadSide);
        }
        catch (InvalidImageException ex)
        {
            return (null, ExtrasProblem.BadRequest($"{input.Name}: the {input.Format} could not be decoded: {ex.Message}"));
        }

        if (!plan.Identity && catalog.Find(parameters.Upscaler) is { } model)
        {
            try
            {
                image = ModelUpscale.ToCover(upscalers.Get(model.Path), image, plan.ScaledWidth, plan.ScaledHeight, UpscalerTiling.Default);
            }
            catch (CheckpointFormatException ex)
            {
                return (null, ExtrasProblem.Unprocessable($"upscaler_1 '{model.Name}' ({Path.GetFileName(model.Path)}) cannot be used: {ex.Message}"));
            }
        }

        var result = ExtrasUpscaler.Apply(image, plan, parameters.Upscaler);
        var texts = new List<KeyValuePair<string, string>>();
        if (originalParameters is not null)
        {
            texts.Add(new("parameters", originalParameters));
        }

        if (!plan.Identity)
        {
            texts.Add(new("postprocessing", plan.InfoText));
        }

        return (PngEncoder.Encode(result, new PngEncoderOptions { Alpha = PngAlphaMode.Rgb, Texts = texts }), null);
    }

    /// <summary>
    /// The pixels and the source's infotext (A1111's <c>read_info_from_image</c>: the PNG <c>parameters</c> chunk, or the
    /// JPEG/WebP EXIF UserComment), which the result keeps.
    /// </summary>
    private static (RgbaImage Image, string? Parameters) Decode(ExtrasImageInput input, long maxPixels)
    {
        if (input.Format == "PNG")
        {
            var decoded = PngDecoder.Decode(input.Bytes, new PngDecoderOptions { MaxPixels = maxPixels });
            return (decoded.Image, decoded.Texts.FirstOrDefault(t => t.Keyword == "parameters")?.Text);
        }

        var image = UploadedImageDecoder.Decode(input.Bytes, maxPixels);
        return (image, ImageMetadataReader.Read(input.Bytes).Parameters);
    }
}
