using WebDiffusion.Core.Models;
using WebDiffusion.Server.Api;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Generation;

/// <summary>Checkpoint names over the model registry, matched as <c>/sdapi/v1/sd-models</c> lists them; rescans once on a miss.</summary>
public sealed class CheckpointCatalog(ModelRegistry registry, CurrentModelSelection selection) : ICheckpointCatalog
{
    public LatentFormat Latent(string? name)
    {
        var snapshot = registry.Current;
        var chosen = name ?? selection.Name;
        var model = chosen is null ? null : snapshot.Find(chosen);
        model ??= snapshot.Models.FirstOrDefault(m => m.IsUsable);
        return model?.Latent ?? LatentFormat.StableDiffusion;
    }

    public string? Current() => selection.Effective(registry.Current)?.Name;

    public string? Resolve(string nameTitleOrHash)
    {
        ArgumentNullException.ThrowIfNull(nameTitleOrHash);
        if (string.IsNullOrWhiteSpace(nameTitleOrHash))
        {
            return null;
        }

        var found = SdApiModelTitles.Find(registry.Current, nameTitleOrHash) ?? SdApiModelTitles.Find(registry.Refresh(), nameTitleOrHash);
        return found is { IsUsable: true } ? found.Name : null;
    }

    public bool IsKnownVae(string setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return VaeSelection.IsKnown(setting.Trim(), registry.Current) || VaeSelection.IsKnown(setting.Trim(), registry.Refresh());
    }
}
