using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Diffusers;

namespace WebDiffusion.Core.Models;

/// <summary>
/// Describes a diffusers PyTorch folder (<see cref="DiffusersFolder"/>) from its safetensors headers and config files.
/// Its hash: A1111 defines none for a diffusers folder, so ours is <see cref="ModelHasher"/>'s rule applied to the UNet —
/// the SHA-256 of <c>unet/diffusion_pytorch_model.safetensors</c> (the part that makes one fine-tune differ from another),
/// short form its first 10 hex digits; no legacy hash. Problems go to <see cref="ModelDescription.Error"/>, never thrown:
/// an SDXL or SD 2.x folder is listed as "not supported yet: …".
/// </summary>
public static class DiffusersFolderReader
{
    /// <summary>Describes the folder; its name in the list is the folder's name.</summary>
    public static ModelDescription Describe(string folder, ModelHashCache? hashes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var description = new ModelDescription { Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), Folder = Path.GetFullPath(folder), Source = ModelSourceKind.DiffusersFolder };
        CheckpointArchitecture architecture;
        try
        {
            using var unet = DiffusersFolder.OpenUNet(folder);
            using var vae = DiffusersFolder.OpenVae(folder);
            using var text = DiffusersFolder.OpenTextEncoder(folder);
            architecture = DiffusersFolder.ReadArchitecture(folder, unet, vae, text);
        }
        catch (UnsupportedCheckpointException ex)
        {
            return description with { Error = $"not supported yet: {ex.Kind ?? ex.Message}" };
        }
        catch (Exception ex) when (ex is CheckpointFormatException or CheckpointDTypeException or IOException or UnauthorizedAccessException)
        {
            return description with { Error = ex.Message };
        }

        if (!File.Exists(Path.Combine(folder, ModelComponents.Tokenizer, "vocab.json")) || !File.Exists(Path.Combine(folder, ModelComponents.Tokenizer, "merges.txt")))
        {
            return description with { Error = "the diffusers folder has no tokenizer/vocab.json and tokenizer/merges.txt." };
        }

        string? sha256 = null;
        string? error = null;
        if (hashes is not null)
        {
            try
            {
                sha256 = hashes.GetOrCompute([DiffusersFolder.UNetFile(folder)], cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = "cannot hash the UNet: " + ex.Message;
            }
        }

        return description.WithCompiledArchitecture(
            architecture,
            [ModelComponents.Tokenizer, ModelComponents.TextEncoder, ModelComponents.UNet, ModelComponents.VaeDecoder, ModelComponents.VaeEncoder],
            sha256) with { Error = error };
    }
}
