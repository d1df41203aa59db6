using WebDiffusion.Core.Models;
using WebDiffusion.Server.Api;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Generation;

/// <summary>Checkpoint names over the model registry, matched as <c>/sdapi/v1/sd-models</c> lists them; rescans once on a miss.</summary>
public sealed class CheckpointCatalog(ModelRegistry registry) : ICheckpointCatalog
{
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
}
