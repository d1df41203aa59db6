using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Embeddings;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.Onnx;
using WebDiffusion.Server.Runtime;

namespace WebDiffusion.Server.Generation;

/// <summary>
/// Keeps the current model's sessions loaded between jobs, switches model on request (the previous one is disposed
/// first, so its memory returns before the next loads), and unloads on demand.
/// </summary>
public sealed class ModelCache(ModelRegistry registry, OnnxRuntimeStatusProvider runtime, ILogger<ModelCache> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private Loaded? _loaded;
    private string? _selected;

    /// <summary>The model chosen in the UI / options (null = the first usable model).</summary>
    public string? SelectedName
    {
        get => Volatile.Read(ref _selected);
        set => Volatile.Write(ref _selected, value);
    }

    /// <summary>Name of the loaded model, or null.</summary>
    public string? LoadedName => Volatile.Read(ref _loaded)?.Description.Name;

    /// <summary>Returns a pipeline context for <paramref name="requested"/> (or the selected/first model), loading it if needed.</summary>
    public GenerationContext Acquire(string? requested, string version)
    {
        lock (_gate)
        {
            var description = Resolve(requested);
            if (_loaded is null || _loaded.Description.Folder != description.Folder || _loaded.Description.Hash != description.Hash)
            {
                UnloadLocked();
                logger.LogInformation("Loading model {Model} from {Folder}", description.Name, description.Folder);
                var ort = runtime.GetRequiredRuntime();
                var model = ModelSet.Open(description, ort, new OrtSessionOptions { IntraOpThreads = Math.Max(1, Environment.ProcessorCount) });
                try
                {
                    var tokenizer = ClipTokenizer.FromDirectory(Path.Combine(description.Folder, ModelComponents.Tokenizer));
                    var schedule = GenerationContext.ReadSchedule(description);
                    var embeddingsDir = Path.Combine(registry.ModelsDir, "embeddings");
                    var embeddings = Directory.Exists(embeddingsDir) ? TextualInversionLibrary.Load(embeddingsDir) : null;
                    _loaded = new Loaded(description, model, tokenizer, schedule, embeddings);
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            }

            return new GenerationContext
            {
                Model = _loaded.Model,
                Tokenizer = _loaded.Tokenizer,
                Schedule = _loaded.Schedule,
                Embeddings = _loaded.Embeddings,
                Version = version,
            };
        }
    }

    /// <summary>Releases the loaded model's sessions.</summary>
    public void Unload()
    {
        lock (_gate)
        {
            UnloadLocked();
        }
    }

    public void Dispose() => Unload();

    private ModelDescription Resolve(string? requested)
    {
        var snapshot = registry.Current;
        var name = string.IsNullOrWhiteSpace(requested) ? SelectedName : requested;
        if (!string.IsNullOrWhiteSpace(name))
        {
            // Accept A1111 titles "name [hash]" too.
            var bare = name.Contains(" [", StringComparison.Ordinal) ? name[..name.IndexOf(" [", StringComparison.Ordinal)] : name;
            var found = snapshot.Find(bare) ?? registry.Refresh().Find(bare)
                ?? throw new ArgumentException($"Model '{name}' not found in {registry.CheckpointsDir}. Available: {string.Join(", ", snapshot.Models.Where(m => m.IsUsable).Select(m => m.Name))}.");
            return found.IsUsable ? found : throw new InvalidOperationException($"Model '{found.Name}' cannot be loaded: {found.Error}");
        }

        var usable = snapshot.Models.FirstOrDefault(m => m.IsUsable) ?? registry.Refresh().Models.FirstOrDefault(m => m.IsUsable);
        return usable ?? throw new InvalidOperationException(
            $"No usable model in {registry.CheckpointsDir}. Put a diffusers ONNX model there, or run ./webui.sh models demo tiny for a small test model.");
    }

    private void UnloadLocked()
    {
        if (_loaded is not null)
        {
            logger.LogInformation("Unloading model {Model}", _loaded.Description.Name);
            _loaded.Model.Dispose();
            _loaded = null;
        }
    }

    private sealed record Loaded(ModelDescription Description, ModelSet Model, ClipTokenizer Tokenizer, Core.Sampling.Schedules.DiscreteSchedule Schedule, TextualInversionLibrary? Embeddings);
}
