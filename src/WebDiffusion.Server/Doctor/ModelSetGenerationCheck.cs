using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.Onnx;
using WebDiffusion.Server.Runtime;

namespace WebDiffusion.Server.Doctor;

/// <summary>
/// A 1-step generation through <see cref="ModelSet"/>: the prompt's ids through the text encoder, one unet call at
/// the highest noise level, one Euler step to the denoised latents, the VAE decoder; the image must have the expected
/// size and only finite values. (The full pipeline may replace this check once it exists.)
/// </summary>
public sealed class ModelSetGenerationCheck(OnnxRuntimeStatusProvider runtime) : IDoctorGenerationCheck
{
    private const string Name = "Generation";
    private const string Prompt = "a photograph of an astronaut riding a horse";
    private const int LatentSize = 8;
    private const float SigmaMax = 14.6146f;

    /// <inheritdoc />
    public Task<DoctorCheckResult> RunAsync(string modelFolder, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFolder);
        var ort = runtime.Runtime;
        if (ort is null)
        {
            return Task.FromResult(DoctorCheckResult.Fail(Name, "not run: ONNX Runtime is not loaded (see the ONNX Runtime line).",
                "Fix the ONNX Runtime problem first."));
        }

        return Task.Run(() => Generate(ort, modelFolder, ct), ct);
    }

    private static DoctorCheckResult Generate(OrtRuntime ort, string folder, CancellationToken ct)
    {
        var description = ModelFolderReader.Describe(folder, null, ct);
        if (description.Error is not null)
        {
            return DoctorCheckResult.Fail(Name, "the demo model does not load: " + description.Error, "Report this as a bug (the demo model is generated).");
        }

        try
        {
            using var model = ModelSet.Open(description, ort);
            var hidden = new float[TextEncoder.TokenCount * model.TextEncoder.HiddenSize];
            model.TextEncoder.Encode(PromptIds(folder), 1, hidden, ct);

            var channels = model.UNet.InChannels;
            var plane = LatentSize * LatentSize;
            var noise = Noise(4 * plane, seed: 1234);
            var sample = new float[channels * plane];
            var cIn = 1f / MathF.Sqrt((SigmaMax * SigmaMax) + 1f);
            for (var i = 0; i < noise.Length; i++)
            {
                sample[i] = noise[i] * SigmaMax * cIn;
            }

            var eps = new float[4 * plane];
            model.UNet.Predict(sample, 1, channels, LatentSize, LatentSize, 999f, hidden, TextEncoder.TokenCount, eps, ct);
            var latents = new float[4 * plane];
            for (var i = 0; i < latents.Length; i++)
            {
                latents[i] = ((noise[i] * SigmaMax) - (SigmaMax * eps[i])) / description.LatentScale;
            }

            var side = LatentSize * VaeDecoder.Factor;
            var image = new float[3 * side * side];
            model.VaeDecoder.Decode(latents, 1, LatentSize, LatentSize, image, ct);
            var bad = Array.FindIndex(image, v => !float.IsFinite(v));
            return bad < 0
                ? DoctorCheckResult.Ok(Name, $"1 step on the tiny demo model (text encoder → unet → VAE decoder): a {side}×{side} image, all values finite.")
                : DoctorCheckResult.Fail(Name, $"the decoded image has a non-finite value at index {bad}.", "Report this with the output of ./webui.sh doctor.");
        }
        catch (Exception ex) when (ex is ModelLoadException or OrtException or ArgumentException or InvalidOperationException)
        {
            return DoctorCheckResult.Fail(Name, "the 1-step generation failed: " + ex.Message, "Check the ONNX Runtime and CUDA lines above.");
        }
    }

    private static int[] PromptIds(string folder)
    {
        var tokenizerFolder = Path.Combine(folder, ModelComponents.Tokenizer);
        var tokenizer = File.Exists(Path.Combine(tokenizerFolder, "vocab.json")) ? ClipTokenizer.FromDirectory(tokenizerFolder) : ClipTokenizer.Default;
        var ids = new int[TextEncoder.TokenCount];
        Array.Fill(ids, tokenizer.PadId);
        var encoded = tokenizer.EncodeWithSpecialTokens(Prompt);
        encoded.AsSpan(0, Math.Min(encoded.Length, ids.Length)).CopyTo(ids);
        return ids;
    }

    private static float[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Box-Muller; 1 - NextDouble() is in (0, 1].
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        return values;
    }
}
