using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Tests.Models;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Core.Tests.Generation;

/// <summary>The latent shape comes from the model: a VAE with a spatial factor of 2 turns an 8×8 latent into a 16×16 image.</summary>
public sealed class LatentFormatTests : IDisposable
{
    private static readonly GenerationRequest Tiny = new() { Prompt = "a red house", Width = 16, Height = 16, Steps = 3, Seed = 7, SamplerName = "Euler" };

    private readonly ModelTestFolders _folders = new();
    private readonly List<ModelSet> _models = [];

    public void Dispose()
    {
        foreach (var model in _models)
        {
            model.Dispose();
        }

        _folders.Dispose();
    }

    [Fact]
    public void The_format_is_read_from_the_vae_config_and_defaults_to_sd()
    {
        var sd = ModelFolderReader.Describe(_folders.Write("sd", TinyModelVariant.Fp32), null);
        var two = ModelFolderReader.Describe(_folders.Write("two", TinyModelVariant.Fp32, vaeScaleFactor: 2), null);
        var four = ModelFolderReader.Describe(_folders.Write("four", TinyModelVariant.Fp16, vaeScaleFactor: 4), null);

        Assert.Equal(new LatentFormat(4, 8), sd.Latent);
        Assert.Equal(new LatentFormat(4, 2), two.Latent);
        Assert.Equal(new LatentFormat(4, 4), four.Latent);
        Assert.Equal((16, 8), (two.Latent.MinimumSide, sd.Latent.MinimumSide / 8));
        Assert.Null(two.Error);
    }

    [Fact]
    public void Channels_in_the_config_are_checked_against_the_components()
    {
        var folder = _folders.Write("sixteen", TinyModelVariant.Fp32, vaeScaleFactor: 2);
        var config = Path.Combine(folder, "vae_decoder", "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"latent_channels\": 4", "\"latent_channels\": 16", StringComparison.Ordinal));

        var ex = Assert.Throws<ModelLoadException>(() => ModelSignatureChecks.Check(folder));

        Assert.Equal(Path.Combine(folder, "unet", "model.onnx"), ex.FilePath);
        Assert.Equal("16 latent channels (or 33 for inpainting) in dim 1", ex.Expected);
        Assert.Equal("4 channels", ex.Found);
    }

    [Fact]
    public async Task Txt2img_on_a_factor_2_vae_samples_an_8x8_latent_into_a_16x16_image()
    {
        var context = Open(TinyModelVariant.Fp32, 2);
        var observer = new RecordingObserver();

        await new StableDiffusionPipeline(context).RunAsync(Tiny with { Width = 24 }, observer, null, CancellationToken.None);

        var image = Assert.Single(observer.Images).Image;
        Assert.Equal((24, 16), (image.Width, image.Height));
        var preview = observer.Steps[^1].Preview!;
        Assert.Equal((12, 8), (preview.Width, preview.Height)); // the latent: 24/2 × 16/2
    }

    [Fact]
    public async Task Sizes_follow_the_factor_minimum_and_multiple()
    {
        var pipeline = new StableDiffusionPipeline(Open(TinyModelVariant.Fp32, 2));

        var small = await Assert.ThrowsAsync<ArgumentException>(() => pipeline.RunAsync(Tiny with { Width = 14 }, new RecordingObserver(), null, CancellationToken.None));
        var odd = await Assert.ThrowsAsync<ArgumentException>(() => pipeline.RunAsync(Tiny with { Height = 17 }, new RecordingObserver(), null, CancellationToken.None));

        Assert.Contains("multiples of 2, at least 16 (got 14x16)", small.Message, StringComparison.Ordinal);
        Assert.Contains("(got 16x17)", odd.Message, StringComparison.Ordinal);
        Assert.Equal((34, 34), StableDiffusionPipeline.HiresTarget(Tiny with { HrScale = 2.2 }, new LatentFormat(4, 2)));
        Assert.Equal((32, 32), StableDiffusionPipeline.HiresTarget(Tiny with { HrScale = 2.2 }));
    }

    [Fact]
    public async Task Img2img_hires_and_an_inpainting_unet_run_on_a_factor_2_vae()
    {
        var context = Open(TinyModelVariant.Fp32, 2);
        var init = PngEncoder.Encode(RgbaImage.Filled(16, 16, 200, 80, 40));
        var img2img = new RecordingObserver();
        var hires = new RecordingObserver();
        var inpainting = new RecordingObserver();

        await new StableDiffusionPipeline(context).RunAsync(
            Tiny with { Mode = GenerationMode.Img2Img, InitImages = [init], DenoisingStrength = 0.5 }, img2img, null, CancellationToken.None);
        await new StableDiffusionPipeline(context).RunAsync(
            Tiny with { EnableHr = true, HrScale = 2, HrUpscaler = "Lanczos", HrDenoisingStrength = 0.5 }, hires, null, CancellationToken.None);
        await new StableDiffusionPipeline(Open(TinyModelVariant.Inpainting, 2)).RunAsync(Tiny, inpainting, null, CancellationToken.None);

        Assert.Equal((16, 16), (img2img.Images[0].Image.Width, img2img.Images[0].Image.Height));
        Assert.Equal((32, 32), (hires.Images[0].Image.Width, hires.Images[0].Image.Height));
        Assert.Equal((16, 16), (hires.Steps[^1].Preview!.Width, hires.Steps[^1].Preview!.Height));
        Assert.Equal((16, 16), (inpainting.Images[0].Image.Width, inpainting.Images[0].Image.Height));
    }

    private GenerationContext Open(TinyModelVariant variant, int factor)
    {
        var description = ModelFolderReader.Describe(_folders.Write($"{variant}-{factor}", variant, factor), null);
        var model = ModelSet.Open(description, ModelTestFolders.Runtime);
        _models.Add(model);
        return new GenerationContext
        {
            Model = model,
            Tokenizer = ClipTokenizer.FromDirectory(Path.Combine(description.Folder, "tokenizer")),
            Schedule = GenerationContext.ReadSchedule(description),
            Version = "test",
            PreviewInterval = TimeSpan.Zero,
        };
    }
}
