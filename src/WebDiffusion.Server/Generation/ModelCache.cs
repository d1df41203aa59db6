using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Lora;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Embeddings;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.Core.Upscaling;
using WebDiffusion.Onnx;
using Microsoft.Extensions.Options;
using WebDiffusion.Server.Doctor;
using WebDiffusion.Server.Hosting;
using WebDiffusion.Server.Runtime;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Generation;

/// <summary>
/// Keeps the current model's sessions loaded between jobs, switches model on request (the previous one is disposed
/// first, so its memory returns before the next loads), and unloads on demand.
/// </summary>
public sealed class ModelCache : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ModelRegistry _registry;
    private readonly OnnxRuntimeStatusProvider _runtime;
    private readonly CurrentModelSelection _selection;
    private readonly ILogger<ModelCache> _logger;
    private readonly ExecutionProviderOptions _provider;
    private readonly PromptTokenizerSource _tokenizers;
    private readonly EmbeddingLibrarySource _embeddings;
    private readonly string _ortCacheFolder;
    private readonly LoraLibrary _loras;
    private readonly ModelUpscalers _upscalers;
    private Loaded? _loaded;
    private int _leases;
    private bool _unloadWhenFree;

    public ModelCache(ModelRegistry registry, OnnxRuntimeStatusProvider runtime, CurrentModelSelection selection, IOptions<ExecutionProviderOptions> provider, PromptTokenizerSource tokenizers, EmbeddingLibrarySource embeddings, WebDiffusionPaths paths, ModelUpscalers upscalers, ILogger<ModelCache> logger)
    {
        _upscalers = upscalers;
        _tokenizers = tokenizers;
        _embeddings = embeddings;
        _ortCacheFolder = Path.Combine(paths.DataDir, "cache", "onnxruntime");
        _provider = provider.Value;
        _registry = registry;
        _loras = new LoraLibrary(Path.Combine(registry.ModelsDir, "Lora"));
        _runtime = runtime;
        _selection = selection;
        _logger = logger;
        // /sdapi/v1/unload-checkpoint frees the sessions now; a new selection loads lazily on the next job.
        selection.Changed += (_, change) =>
        {
            if (change is ModelLifecycleChange.Unloaded or ModelLifecycleChange.Selected)
            {
                Unload();
            }
        };
    }

    /// <summary>The model chosen in the UI / options (null = the first usable model).</summary>
    public string? SelectedName => _selection.Name;

    /// <summary>
    /// The model a job naming <paramref name="requested"/> would run on (the selected or first usable model when null),
    /// without loading it; null when there is none or it cannot be loaded (the job then fails with the reason).
    /// </summary>
    public ModelDescription? Describe(string? requested)
    {
        try
        {
            return Resolve(requested);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The loaded model's noise schedule, or null (step plans only need its length).</summary>
    public Core.Sampling.Schedules.DiscreteSchedule? LoadedSchedule => Volatile.Read(ref _loaded)?.Schedule;

    /// <summary>
    /// What the loaded model's UNet really runs on ("cuda" or "cpu"; a CUDA request that fell back is "cpu"), or null
    /// when no model is loaded.
    /// </summary>
    public string? LoadedExecutionProvider => Volatile.Read(ref _loaded)?.Model.UNet.ExecutionProvider switch
    {
        null => null,
        OrtExecutionProvider.Cuda => "cuda",
        _ => "cpu",
    };

    /// <summary>Name of the loaded model, or null.</summary>
    public string? LoadedName => Volatile.Read(ref _loaded)?.Description.Name;

    /// <summary>
    /// Returns a lease on a pipeline context for <paramref name="requested"/> (or the selected/first model), loading it
    /// if needed. The model is not unloaded while a lease is held; dispose the lease when the job ends.
    /// </summary>
    public ModelLease Acquire(string? requested, string version) => Acquire(requested, null, version);

    /// <summary>
    /// As <see cref="Acquire(string?, string)"/>, with A1111's <c>sd_vae</c> setting (<paramref name="vaeSetting"/>: "Automatic",
    /// "None" or a models/VAE file name; null = "Automatic"): a different VAE reloads the model with that VAE compiled in.
    /// </summary>
    /// <exception cref="ArgumentException">The setting names no VAE file.</exception>
    public ModelLease Acquire(string? requested, string? vaeSetting, string version)
    {
        lock (_gate)
        {
            var description = Resolve(requested);
            var vaeFile = VaeSelection.Resolve(vaeSetting, description, _registry.Current);
            if (_leases > 0 && _loaded is not null && (description.Folder != _loaded.Description.Folder || vaeFile != _loaded.Model.Vae?.Path))
            {
                throw new InvalidOperationException("Another job is using a different model or VAE; model switches happen between jobs.");
            }

            if (_loaded is null || _loaded.Description.Folder != description.Folder || _loaded.Description.Hash != description.Hash || _loaded.Model.Vae?.Path != vaeFile)
            {
                UnloadLocked();
                _logger.LogInformation("Loading model {Model} from {Folder}", description.Name, description.Folder);
                var ort = _runtime.GetRequiredRuntime();
                var sessionOptions = new OrtSessionOptions
                {
                    IntraOpThreads = _provider.EffectiveCpuThreads,
                    ExecutionProvider = _provider.CudaRequested ? OrtExecutionProvider.Cuda : OrtExecutionProvider.Cpu,
                    RequireCuda = _provider.RequireCuda,
                    OnExecutionProviderFallback = reason => _logger.LogWarning("CUDA is not available, running on the CPU: {Reason}", reason),
                    // ORT's optimized model is kept in the data folder, so a model is optimized once, not on every load
                    OptimizedModelCacheFolder = _ortCacheFolder,
                };
                // ORT's worker threads spin-wait between kernels by default; in a web server that shares the CPU this
                // starves request handling (a 202 could wait for a whole job). Block instead of spinning.
                sessionOptions.ConfigEntries["session.intra_op.allow_spinning"] = "0";
                sessionOptions.ConfigEntries["session.inter_op.allow_spinning"] = "0";
                var vae = vaeFile is null ? null : new VaeChoice(vaeFile, Path.GetFileName(vaeFile), _registry.Sha256Of(vaeFile) is { } sha ? ModelHasher.Short(sha) : null);
                if (vae is not null)
                {
                    _logger.LogInformation("Using VAE {Vae} for {Model}", vae.FileName, description.Name);
                }

                var model = description.Source switch
                {
                    ModelSourceKind.Checkpoint => ModelSet.OpenCheckpoint(description, ort, sessionOptions, vae),
                    ModelSourceKind.DiffusersFolder => ModelSet.OpenDiffusers(description, ort, sessionOptions, vae),
                    _ => ModelSet.Open(description, ort, sessionOptions, vae),
                };
                try
                {
                    var tokenizer = ModelTokenizers.For(model.Description);
                    var schedule = GenerationContext.ReadSchedule(description);
                    var embeddings = _embeddings.Reload();
                    _loaded = new Loaded(description, model, tokenizer, schedule, embeddings);
                    _tokenizers.Use(tokenizer); // the UI's token counter now counts with this model's vocabulary
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            }

            _leases++;
            return new ModelLease(this, new GenerationContext
            {
                Model = _loaded.Model,
                Tokenizer = _loaded.Tokenizer,
                Schedule = _loaded.Schedule,
                Embeddings = _loaded.Embeddings,
                Loras = _loras,
                Upscalers = _upscalers,
                CudaHost = _loaded.Model.UNet.ExecutionProvider == OrtExecutionProvider.Cuda,
                Version = version,
            });
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            _leases--;
            if (_leases == 0 && _unloadWhenFree)
            {
                _unloadWhenFree = false;
                UnloadLocked();
            }
        }
    }

    /// <summary>Releases the loaded model's sessions (after the running job, if one holds a lease).</summary>
    public void Unload()
    {
        lock (_gate)
        {
            if (_leases > 0)
            {
                _unloadWhenFree = true;
            }
            else
            {
                UnloadLocked();
            }
        }
    }

    public void Dispose() => Unload();

    private ModelDescription Resolve(string? requested)
    {
        var snapshot = _registry.Current;
        var name = string.IsNullOrWhiteSpace(requested) ? SelectedName : requested;
        if (!string.IsNullOrWhiteSpace(name))
        {
            // Accept A1111 titles "name [hash]" too.
            var bare = name.Contains(" [", StringComparison.Ordinal) ? name[..name.IndexOf(" [", StringComparison.Ordinal)] : name;
            var found = snapshot.Find(bare) ?? _registry.Refresh().Find(bare)
                ?? throw new ArgumentException($"Model '{name}' not found in {_registry.CheckpointsDir}. Available: {string.Join(", ", snapshot.Models.Where(m => m.IsUsable).Select(m => m.Name))}.");
            return found.IsUsable ? found : throw new InvalidOperationException($"Model '{found.Name}' cannot be loaded: {found.Error}");
        }

        var usable = snapshot.Models.FirstOrDefault(m => m.IsUsable) ?? _registry.Refresh().Models.FirstOrDefault(m => m.IsUsable);
        return usable ?? throw new InvalidOperationException(
            $"No usable model in {_registry.CheckpointsDir}. Put a diffusers ONNX model there, or run ./webui.sh models demo tiny for a small test model.");
    }

    /// <summary>The usable LoRA files' names as the registry lists them now (a file added since the last rescan is found after one).</summary>
    public IReadOnlySet<string> LoraNames() =>
        _registry.Current.Loras.Where(f => f.IsUsable).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

    private void UnloadLocked()
    {
        if (_loaded is not null)
        {
            _logger.LogInformation("Unloading model {Model}", _loaded.Description.Name);
            _loaded.Model.Dispose();
            _loaded = null;
        }
    }

    /// <summary>A held model: dispose it when the job ends.</summary>
    public sealed class ModelLease(ModelCache owner, GenerationContext context) : IDisposable
    {
        private int _disposed;

        public GenerationContext Context { get; } = context;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release();
            }
        }
    }

    private sealed record Loaded(ModelDescription Description, ModelSet Model, ClipTokenizer Tokenizer, Core.Sampling.Schedules.DiscreteSchedule Schedule, TextualInversionLibrary? Embeddings);
}
