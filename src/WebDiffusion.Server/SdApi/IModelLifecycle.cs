namespace WebDiffusion.Server.SdApi;

/// <summary>
/// A1111's <c>/sdapi/v1/unload-checkpoint</c> and <c>/reload-checkpoint</c>: whether the current model's weights may stay
/// in memory. The model cache subscribes to <see cref="Changed"/> and drops its sessions on <see cref="ModelLifecycleChange.Unloaded"/>.
/// </summary>
public interface IModelLifecycle
{
    /// <summary>False after <see cref="Unload"/> until <see cref="Reload"/> (or a new model selection).</summary>
    bool IsLoaded { get; }

    /// <summary>Raised after every selection, unload and reload.</summary>
    event EventHandler<ModelLifecycleChange>? Changed;

    /// <summary>Releases the current model's weights (the selection is kept).</summary>
    void Unload();

    /// <summary>Allows the current model to be loaded again.</summary>
    void Reload();
}
