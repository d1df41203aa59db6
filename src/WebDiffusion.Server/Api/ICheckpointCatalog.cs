using WebDiffusion.Core.Models;

namespace WebDiffusion.Server.Api;

/// <summary>Which checkpoints a request may name (the <c>model</c> field, <c>override_settings.sd_model_checkpoint</c>).</summary>
public interface ICheckpointCatalog
{
    /// <summary>
    /// The registry name of the usable checkpoint whose name, A1111 title (<c>"name [hash]"</c>) or short hash is
    /// <paramref name="nameTitleOrHash"/>, or null when there is none.
    /// </summary>
    string? Resolve(string nameTitleOrHash);

    /// <summary>
    /// The latent format of the checkpoint a job naming <paramref name="name"/> runs on (the selected or first usable one
    /// when null), so image sizes follow its VAE; SD's format when there is none.
    /// </summary>
    LatentFormat Latent(string? name);

    /// <summary>Whether A1111's <c>sd_vae</c> value <paramref name="setting"/> can be applied ("Automatic", "None" or a usable models/VAE file).</summary>
    bool IsKnownVae(string setting) => setting is "Automatic" or "None";

    /// <summary>The registry name of the checkpoint a job naming none runs on (the selected or first usable one), or null.</summary>
    string? Current() => null;
}
