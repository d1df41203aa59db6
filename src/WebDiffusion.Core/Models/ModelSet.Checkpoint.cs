using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Core.Lora;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Models;

/// <summary>Opening an A1111 checkpoint: its graphs are compiled and their sessions read the weights from the mapped file.</summary>
public sealed partial class ModelSet
{
    /// <summary>
    /// Compiles the checkpoint <paramref name="description"/> names (<see cref="ModelSourceKind.Checkpoint"/>) and prepares its
    /// components; sessions open on first use and map their weights from the file, which stays open until dispose.
    /// <paramref name="vae"/> (a <c>models/VAE</c> .safetensors file) replaces the checkpoint's own VAE.
    /// </summary>
    /// <exception cref="ModelLoadException">The file cannot be read or compiled (the message names the file and the tensor).</exception>
    public static ModelSet OpenCheckpoint(ModelDescription description, OrtRuntime runtime, OrtSessionOptions? options = null, VaeChoice? vae = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(runtime);
        if (description.Source != ModelSourceKind.Checkpoint)
        {
            throw new ArgumentException($"'{description.Name}' is not a checkpoint file.", nameof(description));
        }

        ICheckpointTensors? checkpoint = null;
        SafetensorsFile? vaeTensors = null;
        try
        {
            checkpoint = CheckpointFile.Open(description.Folder);
            vaeTensors = vae is null ? null : OpenVaeFile(vae.Path);
            var architecture = description.Architecture ?? ArchitectureDetector.Detect(checkpoint);
            var graphs = CheckpointCompiler.Compile(checkpoint, architecture, loraWeightInputs: true);
            if (vaeTensors is not null)
            {
                var (vaeDecoder, vaeEncoder) = CompileVae(vaeTensors, vae!.Path, description.Latent);
                graphs = graphs with { VaeDecoder = vaeDecoder, VaeEncoder = vaeEncoder };
            }

            var textPrefix = architecture.Family == CheckpointFamily.StableDiffusion2 ? CheckpointCompiler.OpenClipPrefix : CheckpointCompiler.OpenAiClipPrefix;
            var tokens = ClipTokenEmbeddings.Read(checkpoint, textPrefix);
            var layout = ClipTextLayout.Detect(checkpoint, textPrefix);
            var text = Component(checkpoint.FilePath, ModelComponents.TextEncoder, graphs.TextEncoder, runtime, options, checkpoint);
            var unet = Component(checkpoint.FilePath, ModelComponents.UNet, graphs.UNet, runtime, options, checkpoint);
            var vaePath = vaeTensors?.FilePath ?? checkpoint.FilePath;
            var decoder = Component(vaePath, ModelComponents.VaeDecoder, graphs.VaeDecoder, runtime, options);
            var encoder = Component(vaePath, ModelComponents.VaeEncoder, graphs.VaeEncoder, runtime, options);
            var signatures = new ModelSignatures(text.Signature, unet.Signature, decoder.Signature, encoder.Signature, description.Latent);
            var owned = new MappedCheckpointFiles(checkpoint, vaeTensors);
            return new ModelSet(description with { Architecture = architecture }, signatures, [text, unet, decoder, encoder], (tokens, layout), owned)
            {
                Vae = vae,
                Lora = new CheckpointLoraState(LoraKeyMap.For(checkpoint, architecture.UNet), text.Weights!, unet.Weights!),
            };
        }
        catch (Exception ex) when (ex is CheckpointFormatException or CheckpointDTypeException or UnsupportedCheckpointException or Checkpoints.Pickle.TorchZipException or IOException or UnauthorizedAccessException)
        {
            checkpoint?.Dispose();
            vaeTensors?.Dispose();
            var file = ex is CheckpointFormatException { FilePath: { } named } ? named : description.Folder;
            throw new ModelLoadException(file, null, "a Stable Diffusion 1.x/2.x checkpoint this compiler can build", ex.Message, ex);
        }
        catch
        {
            checkpoint?.Dispose();
            vaeTensors?.Dispose();
            throw;
        }
    }

    private static SafetensorsFile OpenVaeFile(string vaeFile)
    {
        try
        {
            return SafetensorsFile.Open(vaeFile);
        }
        catch (Exception ex) when (ex is CheckpointFormatException or IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(vaeFile, null, "a VAE .safetensors file", ex.Message, ex);
        }
    }

    private static (CompiledGraph Decoder, CompiledGraph Encoder) CompileVae(SafetensorsFile vae, string vaeFile, LatentFormat latent)
    {
        try
        {
            var hp = ArchitectureDetector.ReadVae(vae, VaeCompiler.DetectVaeKeyPrefix(vae));
            if (hp.EmbedDim != latent.Channels || hp.SpatialScale != latent.ScaleFactor)
            {
                throw new ModelLoadException(vaeFile, null, $"a VAE for {latent.Channels}-channel latents at {latent.ScaleFactor}× (this model's)",
                    $"a VAE for {hp.EmbedDim}-channel latents at {hp.SpatialScale}× (made for another model family)");
            }

            return CheckpointCompiler.CompileVae(vae);
        }
        catch (Exception ex) when (ex is CheckpointFormatException or CheckpointDTypeException)
        {
            throw new ModelLoadException(vaeFile, null, "a Stable Diffusion VAE (encoder, decoder, quant_conv, post_quant_conv)", ex.Message, ex);
        }
    }

    private static ComponentSession Component(string file, string component, CompiledGraph graph, OrtRuntime runtime, OrtSessionOptions? options, ICheckpointTensors? weights = null)
    {
        var signature = OnnxModelInspector.ReadSignature(graph.Model, $"{component} of {Path.GetFileName(file)}");
        var bank = weights is null ? null : new WeightBank(weights, signature.Inputs.Select(i => i.Name).Where(n => weights.TryGet(n, out _)));
        return new(file, component, signature, () => graph.Open(runtime, options)) { Weights = bank };
    }

    /// <summary>The mapped files the compiled sessions read from, released after the sessions.</summary>
    private sealed class MappedCheckpointFiles(ICheckpointTensors checkpoint, SafetensorsFile? vae) : IDisposable
    {
        public void Dispose()
        {
            checkpoint.Dispose();
            vae?.Dispose();
        }
    }
}
