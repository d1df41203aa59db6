using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Tests.Checkpoints.Compiler;
using WebDiffusion.Core.Tests.Checkpoints.Pipeline;
using WebDiffusion.Core.Tests.Generation;
using WebDiffusion.Core.Tests.Models;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Tests.Checkpoints.Diffusers;

/// <summary>
/// txt2img on the diffusers folder through the real pipeline — listed by the registry, opened by
/// <see cref="ModelSet.OpenDiffusers"/>, tokenizer from its <c>tokenizer/</c>, schedule from its
/// <c>scheduler_config.json</c> — against the PyTorch runs of the same fp16 weights (<c>ref_fp16w/kd_*_seed*</c>), with the
/// bounds of the checkpoint's own reference test: every step's denoised latent within 1e-4 of max|ref|, the image within one level.
/// </summary>
public sealed class DiffusersSamplingReferenceTests : IDisposable
{
    private readonly ModelTestFolders _folders = new();
    private readonly ModelSet _model;

    public DiffusersSamplingReferenceTests()
    {
        DiffusersTestData.InstallInto(Path.Combine(_folders.CheckpointsDir, "tiny-diffusers"));
        var description = Assert.Single(new ModelRegistry(_folders.ModelsDir, null).Refresh().Models);
        Assert.Null(description.Error);
        _model = ModelSet.OpenDiffusers(description, ModelTestFolders.Runtime, new OrtSessionOptions { IntraOpThreads = 1 });
    }

    [Theory]
    [InlineData("Euler", "euler")]
    [InlineData("Euler a", "euler_ancestral")]
    public async Task Txt2img_follows_A1111_step_by_step_on_the_fp16_weights(string sampler, string file)
    {
        var recorder = new DenoisedRecorder();
        var observer = new RecordingObserver();
        var context = new GenerationContext
        {
            Model = _model,
            Tokenizer = ModelTokenizers.For(_model.Description),
            Schedule = GenerationContext.ReadSchedule(_model.Description),
            RandnSource = RandnSource.Cpu,
            Previewer = recorder,
            PreviewInterval = TimeSpan.Zero,
            Version = "test",
        };
        var request = new GenerationRequest
        {
            Prompt = "a photo of a cat",
            NegativePrompt = string.Empty,
            Width = 16,
            Height = 16,
            Steps = 10,
            CfgScale = 7,
            Seed = 1,
            SamplerName = sampler,
        };

        await new StableDiffusionPipeline(context).RunAsync(request, observer, null, CancellationToken.None);

        var run = $"kd_{file}_seed1";
        var denoised = SdReference.Reference(run + "_denoised_per_step", fp16Weights: true).Floats;
        Assert.Equal(10, recorder.Steps.Count);
        var perStep = denoised.Length / 10;
        for (var step = 0; step < 10; step++)
        {
            var expected = denoised.AsSpan(step * perStep, perStep);
            var bound = 1e-4f * MaxAbs(expected);
            var difference = SdReference.MaxAbsDifference(expected, recorder.Steps[step]);
            Assert.True(difference <= bound, $"step {step}: max |diff| {difference} > {bound}");
        }

        var pixels = SdReference.Reference(run + "_image_uint8", fp16Weights: true).Data;
        var image = Assert.Single(observer.Images).Image;
        Assert.Equal((16, 16), (image.Width, image.Height));
        var worst = 0;
        for (var i = 0; i < 16 * 16; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                worst = Math.Max(worst, Math.Abs(image.Pixels[(i * 4) + c] - pixels[(i * 3) + c]));
            }
        }

        Assert.InRange(worst, 0, 1);
    }

    public void Dispose()
    {
        _model.Dispose();
        _folders.Dispose();
    }

    private static float MaxAbs(ReadOnlySpan<float> values)
    {
        var max = 0f;
        foreach (var v in values)
        {
            max = MathF.Max(max, MathF.Abs(v));
        }

        return max;
    }
}
