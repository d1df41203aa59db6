using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.Onnx;
using WebDiffusion.Server.Runtime;

namespace WebDiffusion.Server.Doctor;

/// <summary>
/// The doctor's end-to-end check: a 1-step 64×64 txt2img through the real pipeline (tokenizer, text encoder, CFG
/// UNet call, sampler, VAE decode) on the tiny demo model; the image must have the right size.
/// </summary>
public sealed class PipelineGenerationCheck(OnnxRuntimeStatusProvider runtime) : IDoctorGenerationCheck
{
    private const string Name = "Generation";

    public async Task<DoctorCheckResult> RunAsync(string modelFolder, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        var ort = runtime.Runtime;
        if (ort is null)
        {
            return DoctorCheckResult.Fail(Name, "not run: ONNX Runtime is not loaded (see the ONNX Runtime line).", "Fix the ONNX Runtime problem first.");
        }

        var description = ModelFolderReader.Describe(modelFolder, null, ct);
        if (description.Error is not null)
        {
            return DoctorCheckResult.Fail(Name, "the demo model does not load: " + description.Error, "Report this as a bug (the demo model is generated).");
        }

        try
        {
            using var model = ModelSet.Open(description, ort);
            var context = new GenerationContext
            {
                Model = model,
                Tokenizer = ClipTokenizer.FromDirectory(Path.Combine(modelFolder, ModelComponents.Tokenizer)),
                Schedule = GenerationContext.ReadSchedule(description),
                Previewer = null,
            };
            var observer = new Capture();
            var request = new GenerationRequest { Prompt = "a photograph of an astronaut riding a horse", Width = 64, Height = 64, Steps = 1, Seed = 1234, SamplerName = "Euler" };
            await new StableDiffusionPipeline(context).RunAsync(request, observer, null, ct).ConfigureAwait(false);
            var image = observer.Image;
            return image is { Width: 64, Height: 64 }
                ? DoctorCheckResult.Ok(Name, "1 step on the tiny demo model through the full pipeline (text encoder → CFG unet → sampler → VAE decode): a 64×64 image.")
                : DoctorCheckResult.Fail(Name, "the pipeline produced no 64×64 image.", "Report this with the output of ./webui.sh doctor.");
        }
        catch (Exception ex) when (ex is ModelLoadException or OrtException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return DoctorCheckResult.Fail(Name, "the 1-step generation failed: " + ex.Message, "Check the ONNX Runtime and CUDA lines above.");
        }
    }

    private sealed class Capture : IGenerationObserver
    {
        public Core.Imaging.RgbaImage? Image { get; private set; }

        public void OnStep(GenerationStep step)
        {
        }

        public Task OnImageAsync(GeneratedImage image, CancellationToken cancellationToken)
        {
            Image = image.Image;
            return Task.CompletedTask;
        }
    }
}
