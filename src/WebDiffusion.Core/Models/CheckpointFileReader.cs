using System.Security.Cryptography;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Pickle;

namespace WebDiffusion.Core.Models;

/// <summary>
/// Describes an A1111 checkpoint (<c>.safetensors</c>, or a <c>.ckpt</c> read by the safe pickle machine) from its header alone: the architecture (<see cref="ArchitectureDetector"/>),
/// the latent format its VAE implies, and A1111's hashes — <c>sha256</c> of the whole file (first 10 hex = "Model hash") and
/// the legacy 8-hex hash (SHA-256 of the 64 KiB at offset 1 MiB). Problems go to <see cref="ModelDescription.Error"/>, never thrown:
/// an SDXL file is listed as "not supported yet: SDXL", a malformed one with the reader's message.
/// </summary>
public static class CheckpointFileReader
{
    /// <summary>Describes the checkpoint at <paramref name="path"/>; <paramref name="name"/> is its name in the list (e.g. <c>sub/model.safetensors</c>).</summary>
    public static ModelDescription Describe(string path, string name, ModelHashCache? hashes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var description = new ModelDescription { Name = name, Folder = Path.GetFullPath(path), Source = ModelSourceKind.Checkpoint };
        CheckpointArchitecture architecture;
        try
        {
            using var tensors = CheckpointFile.Open(path);
            architecture = ArchitectureDetector.Detect(tensors);
        }
        catch (UnsupportedCheckpointException ex)
        {
            return description with { Error = $"not supported yet: {ex.Kind ?? ex.Message}" };
        }
        catch (Exception ex) when (ex is CheckpointFormatException or CheckpointDTypeException or TorchZipException or IOException or UnauthorizedAccessException)
        {
            return description with { Error = ex.Message };
        }

        string? sha256 = null;
        string? legacy = null;
        string? error = null;
        if (hashes is not null)
        {
            try
            {
                sha256 = hashes.GetOrCompute([path], cancellationToken);
                legacy = LegacyHash(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = "cannot hash the checkpoint: " + ex.Message;
            }
        }

        return description.WithCompiledArchitecture(
            architecture,
            [ModelComponents.TextEncoder, ModelComponents.UNet, ModelComponents.VaeDecoder, ModelComponents.VaeEncoder],
            sha256) with { LegacyHash = legacy, Error = error };
    }

    /// <summary>
    /// <paramref name="description"/> with what a model compiled from <paramref name="architecture"/> offers: latent format,
    /// prediction, text width, clip skip and embeddings (compiled text encoder), fp32 compute, and the hash.
    /// </summary>
    internal static ModelDescription WithCompiledArchitecture(this ModelDescription description, CheckpointArchitecture architecture, IReadOnlyList<string> components, string? sha256) =>
        description with
        {
            Architecture = architecture,
            Components = components,
            Precision = ModelPrecision.Fp32,
            SdVersion = architecture.Family == CheckpointFamily.StableDiffusion2 ? SdVersion.Sd2
                : architecture.TextEncoder.Width == 768 ? SdVersion.Sd1
                : SdVersion.Unknown,
            PredictionType = architecture.Prediction,
            LatentScale = architecture.ScaleFactor,
            Latent = new LatentFormat(architecture.Vae.ZChannels, architecture.Vae.SpatialScale),
            IsInpainting = architecture.IsInpainting,
            TextHiddenSize = architecture.TextEncoder.Width,
            TextEncoderFeatures = TextEncoderFeatures.Compiled,
            Sha256 = sha256,
            Hash = sha256 is null ? null : ModelHasher.Short(sha256),
        };

    /// <summary>
    /// A1111's old model hash: the first 8 hex digits of the SHA-256 of the 0x10000 bytes at offset 0x100000 (fewer at the end
    /// of a small file), as <c>modules/sd_models.model_hash</c> computes it.
    /// </summary>
    public static string LegacyHash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var buffer = new byte[0x10000];
        var read = 0;
        if (stream.Length > 0x100000)
        {
            stream.Position = 0x100000;
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.AsSpan(0, read)))[..8];
    }
}
