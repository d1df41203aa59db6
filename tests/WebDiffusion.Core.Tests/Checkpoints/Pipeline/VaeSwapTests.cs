using System.Runtime.InteropServices;
using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Tests.Checkpoints.Compiler;
using WebDiffusion.Core.Tests.Generation;
using WebDiffusion.Core.Tests.Models;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Tests.Checkpoints.Pipeline;

/// <summary>A1111's <c>sd_vae</c>: a separate VAE file decodes instead of the checkpoint's own, and infotext names it.</summary>
public sealed class VaeSwapTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _checkpoint;

    public VaeSwapTests()
    {
        _checkpoint = SdReferenceInstall.Into(_folder.Path).Fp32;
        Directory.CreateDirectory(Path.Combine(_folder.Path, "VAE"));
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Writes the checkpoint's VAE as a standalone A1111 VAE file (bare keys); <paramref name="shift"/> is added to post_quant_conv's bias.</summary>
    private string WriteVae(string name, float shift)
    {
        using var source = SdReference.Open();
        var entries = source.Tensors.Where(t => t.Name.StartsWith("first_stage_model.", StringComparison.Ordinal))
            .Select(t => RekeyedCheckpoint.Copy(source, t.Name, t.Name["first_stage_model.".Length..]))
            .Select(e => e.Name == "post_quant_conv.bias" ? e with { Data = Shifted(e.Data, shift) } : e)
            .ToList();
        return RekeyedCheckpoint.Write(Path.Combine(_folder.Path, "VAE", name), entries);
    }

    private static byte[] Shifted(byte[] data, float shift)
    {
        var values = MemoryMarshal.Cast<byte, float>(data.AsSpan()).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            values[i] += shift;
        }

        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    private async Task<GeneratedImage> RunAsync(VaeChoice? vae)
    {
        var description = CheckpointFileReader.Describe(_checkpoint, Path.GetFileName(_checkpoint), null);
        using var model = ModelSet.OpenCheckpoint(description, ModelTestFolders.Runtime, new OrtSessionOptions { IntraOpThreads = 1 }, vae);
        var context = new GenerationContext
        {
            Model = model,
            Tokenizer = ModelTokenizers.For(model.Description),
            Schedule = GenerationContext.ReadSchedule(model.Description),
            Previewer = null,
            Version = "test",
        };
        var observer = new RecordingObserver();
        var request = new GenerationRequest { Prompt = "a photo of a cat", Width = 16, Height = 16, Steps = 4, Seed = 7, SamplerName = "Euler" };
        await new StableDiffusionPipeline(context).RunAsync(request, observer, null, CancellationToken.None);
        return Assert.Single(observer.Images);
    }

    [Fact]
    public async Task The_same_VAE_as_a_separate_file_decodes_the_same_pixels_and_is_named_in_infotext()
    {
        var own = await RunAsync(null);
        var file = WriteVae("same.safetensors", 0f);
        var separate = await RunAsync(new VaeChoice(file, "same.safetensors", "0123456789"));

        Assert.Equal(own.Image.Pixels, separate.Image.Pixels);
        Assert.DoesNotContain("VAE", own.Infotext, StringComparison.Ordinal);
        Assert.Contains("VAE hash: 0123456789, VAE: same.safetensors", separate.Infotext, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_different_VAE_changes_the_decoded_image_only()
    {
        var own = await RunAsync(null);
        var brighter = await RunAsync(new VaeChoice(WriteVae("brighter.safetensors", 0.5f), "brighter.safetensors", null));

        Assert.NotEqual(own.Image.Pixels, brighter.Image.Pixels);
        Assert.Equal(own.Seed, brighter.Seed);
    }

    [Fact]
    public void A_VAE_for_another_latent_space_is_refused_naming_the_file()
    {
        using var source = SdReference.Open();
        // Dropping the last decoder level turns the factor-2 VAE into a factor-1 one: it decodes another latent space.
        var entries = source.Tensors
            .Where(t => t.Name.StartsWith("first_stage_model.", StringComparison.Ordinal) && !t.Name.Contains("encoder.down.1.", StringComparison.Ordinal))
            .Select(t => RekeyedCheckpoint.Copy(source, t.Name, t.Name["first_stage_model.".Length..]));
        var file = RekeyedCheckpoint.Write(Path.Combine(_folder.Path, "VAE", "other.safetensors"), entries);
        var description = CheckpointFileReader.Describe(_checkpoint, Path.GetFileName(_checkpoint), null);

        var error = Assert.Throws<ModelLoadException>(() => ModelSet.OpenCheckpoint(description, ModelTestFolders.Runtime, null, new VaeChoice(file, "other.safetensors", null)));
        Assert.Contains("other.safetensors", error.Message, StringComparison.Ordinal);
    }
}
