using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Checkpoints.Diffusers;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>Opening a diffusers PyTorch folder: its safetensors components compiled like a checkpoint's, through ldm-name views.</summary>
public sealed partial class ModelSet
{
    /// <summary>
    /// Compiles the diffusers folder <paramref name="description"/> names (<see cref="ModelSourceKind.DiffusersFolder"/>):
    /// each graph reads its weights from the folder's own component file (<see cref="DiffusersFolder"/>), mapped until
    /// dispose. <paramref name="vae"/> (a <c>models/VAE</c> .safetensors file) replaces the folder's VAE. LoRA is not offered
    /// on these folders yet (<see cref="SupportsLora"/> is false).
    /// </summary>
    /// <exception cref="ModelLoadException">A file cannot be read or compiled (the message names the file and the tensor).</exception>
    public static ModelSet OpenDiffusers(ModelDescription description, OrtRuntime runtime, OrtSessionOptions? options = null, VaeChoice? vae = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(runtime);
        if (description.Source != ModelSourceKind.DiffusersFolder)
        {
            throw new ArgumentException($"'{description.Name}' is not a diffusers PyTorch folder.", nameof(description));
        }

        var owned = new List<IDisposable>();
        try
        {
            var folder = description.Folder;
            var unetTensors = Own(owned, DiffusersFolder.OpenUNet(folder));
            var vaeTensors = Own(owned, DiffusersFolder.OpenVae(folder));
            var textTensors = Own(owned, DiffusersFolder.OpenTextEncoder(folder));
            var vaeFile = vae is null ? null : Own(owned, OpenVaeFile(vae.Path));
            var architecture = description.Architecture ?? DiffusersFolder.ReadArchitecture(folder, unetTensors, vaeTensors, textTensors);
            const string textPrefix = CheckpointCompiler.OpenAiClipPrefix;
            var textGraph = ClipTextEncoderCompiler.Compile(textTensors, architecture.TextEncoder, textPrefix);
            var unetGraph = UNetCompiler.Compile(unetTensors, architecture.UNet, CheckpointCompiler.UNetPrefix, new UNetCompileOptions { FusedAttention = true });
            var (decoderGraph, encoderGraph) = vaeFile is null
                ? (VaeCompiler.CompileDecoder(vaeTensors, architecture.Vae, CheckpointCompiler.VaePrefix), VaeCompiler.CompileEncoder(vaeTensors, architecture.Vae, CheckpointCompiler.VaePrefix))
                : CompileVae(vaeFile, vae!.Path, description.Latent);
            var tokens = ClipTokenEmbeddings.Read(textTensors, textPrefix);
            var layout = ClipTextLayout.Detect(textTensors, textPrefix);
            var vaePath = vaeFile?.FilePath ?? vaeTensors.FilePath;
            ComponentSession[] components =
            [
                Component(textTensors.FilePath, ModelComponents.TextEncoder, textGraph, runtime, options),
                Component(unetTensors.FilePath, ModelComponents.UNet, unetGraph, runtime, options),
                Component(vaePath, ModelComponents.VaeDecoder, decoderGraph, runtime, options),
                Component(vaePath, ModelComponents.VaeEncoder, encoderGraph, runtime, options),
            ];
            var signatures = new ModelSignatures(components[0].Signature, components[1].Signature, components[2].Signature, components[3].Signature, description.Latent);
            return new ModelSet(description with { Architecture = architecture }, signatures, components, (tokens, layout), new DisposeAll(owned)) { Vae = vae };
        }
        catch (Exception ex) when (ex is CheckpointFormatException or CheckpointDTypeException or UnsupportedCheckpointException or IOException or UnauthorizedAccessException)
        {
            new DisposeAll(owned).Dispose();
            var file = ex is CheckpointFormatException { FilePath: { } named } ? named : description.Folder;
            throw new ModelLoadException(file, null, "a Stable Diffusion 1.x diffusers folder this compiler can build", ex.Message, ex);
        }
        catch
        {
            new DisposeAll(owned).Dispose();
            throw;
        }
    }

    private static T Own<T>(List<IDisposable> owned, T item)
        where T : IDisposable
    {
        owned.Add(item);
        return item;
    }

    /// <summary>Mapped files the compiled sessions read from, released after the sessions (in reverse order of opening).</summary>
    private sealed class DisposeAll(List<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            for (var i = items.Count - 1; i >= 0; i--)
            {
                items[i].Dispose();
            }

            items.Clear();
        }
    }
}
