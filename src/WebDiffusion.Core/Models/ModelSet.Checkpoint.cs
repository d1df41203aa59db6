using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Models;

/// <summary>Opening an A1111 checkpoint: its graphs are compiled and their sessions read the weights from the mapped file.</summary>
public sealed partial class ModelSet
{
    /// <summary>
    /// Compiles the checkpoint <paramref name="description"/> names (<see cref="ModelSourceKind.Checkpoint"/>) and prepares its
    /// components; sessions open on first use and map their weights from the file, which stays open until dispose.
    /// <paramref name="vaeFile"/> (a <c>models/VAE</c> .safetensors file) replaces the checkpoint's own VAE.
    /// </summary>
    /// <exception cref="ModelLoadException">The file cannot be read or compiled (the message names the file and the tensor).</exception>
    public static ModelSet OpenCheckpoint(ModelDescription description, OrtRuntime runtime, OrtSessionOptions? options = null, string? vaeFile = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(runtime);
        if (description.Source != ModelSourceKind.Checkpoint)
        {
            throw new ArgumentException($"'{description.Name}' is not a checkpoint file.", nameof(description));
        }

        SafetensorsFile? checkpoint = null;
        SafetensorsFile? vae = null;
        try
        {
            checkpoint = SafetensorsFile.Open(description.Folder);
            vae = vaeFile is null ? null : SafetensorsFile.Open(vaeFile);
            var architecture = description.Architecture ?? ArchitectureDetector.Detect(checkpoint);
            var graphs = CheckpointCompiler.Compile(checkpoint, architecture, vae);
            var textPrefix = architecture.Family == CheckpointFamily.StableDiffusion2 ? CheckpointCompiler.OpenClipPrefix : CheckpointCompiler.OpenAiClipPrefix;
            var tokens = ClipTokenEmbeddings.Read(checkpoint, textPrefix);
            var layout = ClipTextLayout.Detect(checkpoint, textPrefix);
            var text = Component(checkpoint.FilePath, ModelComponents.TextEncoder, graphs.TextEncoder, runtime, options);
            var unet = Component(checkpoint.FilePath, ModelComponents.UNet, graphs.UNet, runtime, options);
            var vaePath = vae?.FilePath ?? checkpoint.FilePath;
            var decoder = Component(vaePath, ModelComponents.VaeDecoder, graphs.VaeDecoder, runtime, options);
            var encoder = Component(vaePath, ModelComponents.VaeEncoder, graphs.VaeEncoder, runtime, options);
            var signatures = new ModelSignatures(text.Signature, unet.Signature, decoder.Signature, encoder.Signature, description.Latent);
            var owned = new MappedCheckpointFiles(checkpoint, vae);
            return new ModelSet(description with { Architecture = architecture }, signatures, [text, unet, decoder, encoder], (tokens, layout), owned);
        }
        catch (Exception ex) when (ex is CheckpointFormatException or CheckpointDTypeException or UnsupportedCheckpointException or IOException or UnauthorizedAccessException)
        {
            checkpoint?.Dispose();
            vae?.Dispose();
            var file = ex is CheckpointFormatException { FilePath: { } named } ? named : description.Folder;
            throw new ModelLoadException(file, null, "a Stable Diffusion 1.x/2.x checkpoint this compiler can build", ex.Message, ex);
        }
        catch
        {
            checkpoint?.Dispose();
            vae?.Dispose();
            throw;
        }
    }

    private static ComponentSession Component(string file, string component, CompiledGraph graph, OrtRuntime runtime, OrtSessionOptions? options) =>
        new(file, component, OnnxModelInspector.ReadSignature(graph.Model, $"{component} of {Path.GetFileName(file)}"), () => graph.Open(runtime, options));

    /// <summary>The mapped files the compiled sessions read from, released after the sessions.</summary>
    private sealed class MappedCheckpointFiles(SafetensorsFile checkpoint, SafetensorsFile? vae) : IDisposable
    {
        public void Dispose()
        {
            checkpoint.Dispose();
            vae?.Dispose();
        }
    }
}
