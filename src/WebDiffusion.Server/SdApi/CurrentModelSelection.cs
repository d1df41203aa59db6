using WebDiffusion.Core.Models;

namespace WebDiffusion.Server.SdApi;

/// <summary>
/// The model the user chose (A1111's <c>sd_model_checkpoint</c>, or <c>POST /api/models/select</c>): a model name from the
/// registry, or null for none. The choice is persisted with the /sdapi options, so it survives a restart. The generation
/// pipeline reads <see cref="Name"/>; <see cref="IModelLifecycle"/> carries the unload/reload flag.
/// </summary>
public sealed class CurrentModelSelection(SdApiOptionsStore store) : IModelLifecycle
{
    private volatile bool _isLoaded = true;

    /// <inheritdoc />
    public event EventHandler<ModelLifecycleChange>? Changed;

    /// <summary>The selected model's name, or null when none was chosen.</summary>
    public string? Name => store.ModelName;

    /// <inheritdoc />
    public bool IsLoaded => _isLoaded;

    /// <summary>
    /// The model a job without a model name runs on, as the model cache picks it: the selected model when
    /// <paramref name="snapshot"/> has it, the first usable model when nothing was selected; null when there is none
    /// (or the selected model left the folder).
    /// </summary>
    public ModelDescription? Effective(ModelRegistrySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Name is { } name ? snapshot.Find(name) : snapshot.Models.FirstOrDefault(m => m.IsUsable);
    }

    /// <summary>Selects <paramref name="name"/> (already checked against the registry) or clears the choice; persists it.</summary>
    public void Select(string? name)
    {
        store.SetModelName(name);
        _isLoaded = true;
        Changed?.Invoke(this, ModelLifecycleChange.Selected);
    }

    /// <inheritdoc />
    public void Unload()
    {
        _isLoaded = false;
        Changed?.Invoke(this, ModelLifecycleChange.Unloaded);
    }

    /// <inheritdoc />
    public void Reload()
    {
        _isLoaded = true;
        Changed?.Invoke(this, ModelLifecycleChange.Reloaded);
    }
}
