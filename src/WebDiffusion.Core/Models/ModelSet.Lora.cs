using WebDiffusion.Core.Lora;

namespace WebDiffusion.Core.Models;

/// <summary>LoRA on a loaded checkpoint: merged weights are bound to the compiled graphs' weight inputs, no rebuild.</summary>
public sealed partial class ModelSet
{
    /// <summary>True for a model compiled from a checkpoint (its graphs take the LoRA-targetable weights as inputs).</summary>
    public bool SupportsLora => Lora is not null;

    private CheckpointLoraState? Lora { get; init; }

    /// <summary>The LoRA-changed values bound for weight <paramref name="key"/> now (null: the checkpoint's own), for tests.</summary>
    internal float[]? BoundLoraWeight(string key) => Lora?.Bound(key);

    /// <summary>How many weights carry LoRA-changed values now.</summary>
    internal int BoundLoraWeights => Lora?.BoundCount ?? 0;

    /// <summary>
    /// Makes the text encoder and UNet use the checkpoint's weights changed by <paramref name="activations"/> (empty: the
    /// checkpoint's own) from the next run on. Only the targeted weights are computed; graphs are not rebuilt and the
    /// checkpoint is not read again; a recently used set comes from a cache. Call between jobs, not during one.
    /// </summary>
    /// <exception cref="NotSupportedException">The model is an ONNX export (<see cref="SupportsLora"/> is false) and a LoRA was asked for.</exception>
    public LoraApplication ApplyLoras(IReadOnlyList<LoraActivation> activations)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Lora is null)
        {
            return activations.Count == 0
                ? new LoraApplication(0, false, [])
                : throw new NotSupportedException($"LoRA needs a model loaded from a .safetensors checkpoint; '{Description.Name}' is an ONNX export with its weights baked in.");
        }

        return Lora.Apply(activations);
    }
}
