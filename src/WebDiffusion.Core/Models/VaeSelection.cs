namespace WebDiffusion.Core.Models;

/// <summary>
/// Resolves A1111's <c>sd_vae</c> setting for a model: <c>"None"</c> = the model's own VAE; <c>"Automatic"</c> (or no setting) =
/// a VAE file beside the checkpoint named like it (<c>model.vae.safetensors</c>, A1111's <c>find_vae_near_checkpoint</c>),
/// else the model's own; any other value = that file of <c>models/VAE</c> (by file name, with or without extension).
/// </summary>
public static class VaeSelection
{
    /// <summary>The setting that picks a VAE beside the checkpoint when there is one.</summary>
    public const string Automatic = "Automatic";

    /// <summary>The setting that keeps the model's own VAE.</summary>
    public const string None = "None";

    /// <summary>Whether <paramref name="setting"/> names something <see cref="Resolve"/> can use (Automatic, None or a usable file).</summary>
    public static bool IsKnown(string setting, ModelRegistrySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(setting);
        ArgumentNullException.ThrowIfNull(snapshot);
        return setting is Automatic or None || FindFile(setting, snapshot) is not null;
    }

    /// <summary>The VAE file to use for <paramref name="model"/>, or null for the model's own VAE.</summary>
    /// <exception cref="ArgumentException"><paramref name="setting"/> names no usable file in models/VAE.</exception>
    public static string? Resolve(string? setting, ModelDescription model, ModelRegistrySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(snapshot);
        var value = string.IsNullOrWhiteSpace(setting) ? Automatic : setting.Trim();
        if (value == None)
        {
            return null;
        }

        if (value == Automatic)
        {
            return model.Source == ModelSourceKind.Checkpoint ? NearCheckpoint(model.Folder) : null;
        }

        return FindFile(value, snapshot)?.Path
            ?? throw new ArgumentException($"sd_vae '{value}' is not a VAE file in models/VAE; GET /sdapi/v1/sd-vae lists them (or use \"Automatic\" or \"None\").", nameof(setting));
    }

    /// <summary><c>&lt;checkpoint without extension&gt;.vae.safetensors</c> beside the checkpoint, when it exists.</summary>
    public static string? NearCheckpoint(string checkpointPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        var near = Path.Combine(Path.GetDirectoryName(checkpointPath)!, Path.GetFileNameWithoutExtension(checkpointPath) + ".vae.safetensors");
        return File.Exists(near) ? near : null;
    }

    /// <summary>Whether a file in the checkpoints folder is a VAE kept beside its checkpoint (A1111 leaves <c>*.vae.*</c> out of the checkpoint list).</summary>
    public static bool IsVaeBesideCheckpoint(string path) =>
        Path.GetFileNameWithoutExtension(path).EndsWith(".vae", StringComparison.OrdinalIgnoreCase);

    private static AuxiliaryModelFile? FindFile(string value, ModelRegistrySnapshot snapshot) =>
        snapshot.Vae.FirstOrDefault(f => f.IsUsable && (string.Equals(Path.GetFileName(f.Path), value, StringComparison.Ordinal) || string.Equals(f.Name, value, StringComparison.Ordinal)));
}
