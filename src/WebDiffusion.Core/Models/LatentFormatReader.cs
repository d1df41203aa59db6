using System.Text.Json;

namespace WebDiffusion.Core.Models;

/// <summary>
/// Reads a model folder's <see cref="LatentFormat"/> from <c>vae_decoder/config.json</c> (else <c>vae_encoder/config.json</c>)
/// as diffusers writes it: <c>latent_channels</c>, and <c>block_out_channels</c> whose length n gives the scale factor
/// 2^(n−1) (diffusers' <c>vae_scale_factor</c>). A missing file or field keeps SD's 4 channels and factor 8.
/// </summary>
public static class LatentFormatReader
{
    /// <summary>The folder's latent format; never throws for a missing or unreadable config.</summary>
    public static LatentFormat Read(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        foreach (var component in new[] { ModelComponents.VaeDecoder, ModelComponents.VaeEncoder })
        {
            if (TryRead(Path.Combine(folder, component, "config.json")) is { } format)
            {
                return format;
            }
        }

        return LatentFormat.StableDiffusion;
    }

    private static LatentFormat? TryRead(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var channels = root.TryGetProperty("latent_channels", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) && n > 0
                ? n
                : LatentFormat.StableDiffusion.Channels;
            var factor = root.TryGetProperty("block_out_channels", out var blocks) && blocks.ValueKind == JsonValueKind.Array && blocks.GetArrayLength() is > 0 and < 8
                ? 1 << (blocks.GetArrayLength() - 1)
                : LatentFormat.StableDiffusion.ScaleFactor;
            return new LatentFormat(channels, factor);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }
}
