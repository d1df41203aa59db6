namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>
/// The checkpoint weights a LoRA may change, by full key: every linear and convolution kernel (rank 2 or 4
/// <c>.weight</c>) of the UNet, and the linear kernels of the SD 1.x text encoder's transformer layers (attention
/// q/k/v/out and MLP). Compiled with <see cref="CheckpointCompiler.Compile"/>'s <c>loraWeightInputs</c>, these are graph
/// inputs. SD 2.x's OpenCLIP layers keep q/k/v stacked in one tensor, which a LoRA's per-projection factors do not map
/// onto, so none of its text-encoder weights are targets.
/// </summary>
public sealed class LoraTargets(ICheckpointTensors checkpoint)
{
    private const string TextLayers = CheckpointCompiler.OpenAiClipPrefix + "encoder.layers.";

    /// <summary>Whether <paramref name="key"/> is a UNet linear or convolution kernel.</summary>
    public bool IsUNetTarget(string key) => key.StartsWith(CheckpointCompiler.UNetPrefix, StringComparison.Ordinal) && IsKernel(key);

    /// <summary>Whether <paramref name="key"/> is a linear kernel of an SD 1.x text encoder layer.</summary>
    public bool IsTextEncoderTarget(string key) => key.StartsWith(TextLayers, StringComparison.Ordinal) && IsKernel(key);

    private bool IsKernel(string key) =>
        key.EndsWith(".weight", StringComparison.Ordinal) && checkpoint.TryGet(key, out var info) && info.Shape.Count is 2 or 4;
}
