using WebDiffusion.Core.Checkpoints.Architecture;

namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>
/// Compiles an SD 1.x/2.x checkpoint into its four ONNX graphs from the detected architecture: text encoder, UNet and the
/// VAE's decoder and encoder — the VAE from a separate file when one is chosen (A1111's <c>sd_vae</c>),
/// so swapping it recompiles only the VAE graphs. The UNet's attention is ORT's fused <c>MultiHeadAttention</c> (CPU and CUDA):
/// on SD 1.5 shapes at 64×64 it ran 2–3× faster than plain MatMul/Softmax and peaked 30% lower (bench/, UNetCompileHarness).
/// </summary>
public static class CheckpointCompiler
{
    /// <summary>Version of the graphs this compiler writes; part of every cache key, raised when a graph changes.</summary>
    public const int Version = 1;

    /// <summary>UNet keys in an ldm checkpoint.</summary>
    public const string UNetPrefix = "model.diffusion_model.";

    /// <summary>VAE keys in an ldm checkpoint.</summary>
    public const string VaePrefix = "first_stage_model.";

    /// <summary>OpenAI CLIP (SD 1.x) keys.</summary>
    public const string OpenAiClipPrefix = "cond_stage_model.transformer.text_model.";

    /// <summary>OpenCLIP (SD 2.x) keys.</summary>
    public const string OpenClipPrefix = "cond_stage_model.model.";

    private static long _compilations;

    /// <summary>How many times <see cref="Compile"/> has built a checkpoint's graphs in this process (tests assert "no rebuild" with it).</summary>
    public static long Compilations => Interlocked.Read(ref _compilations);

    /// <summary>Compiles every graph of <paramref name="checkpoint"/>; <paramref name="vae"/> (optional) supplies the VAE.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="architecture">Its detected architecture.</param>
    /// <param name="vae">A separate VAE file, or null for the checkpoint's own.</param>
    /// <param name="loraWeightInputs">
    /// True: the weights a LoRA can change (<see cref="LoraTargets"/>) become float32 graph inputs of the UNet and text
    /// encoder, so merged values are bound per run instead of recompiling.
    /// </param>
    /// <exception cref="CheckpointTensorMissingException">A tensor a graph needs is missing (the message names it).</exception>
    /// <exception cref="CheckpointFormatException">A tensor has an unexpected shape.</exception>
    public static CompiledCheckpoint Compile(ICheckpointTensors checkpoint, CheckpointArchitecture architecture, ICheckpointTensors? vae = null, bool loraWeightInputs = false)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(architecture);
        Interlocked.Increment(ref _compilations);
        var (decoder, encoder) = vae is null
            ? (VaeCompiler.CompileDecoder(checkpoint, architecture.Vae, VaePrefix), VaeCompiler.CompileEncoder(checkpoint, architecture.Vae, VaePrefix))
            : CompileVae(vae);
        var textPrefix = architecture.Family == CheckpointFamily.StableDiffusion2 ? OpenClipPrefix : OpenAiClipPrefix;
        var targets = new LoraTargets(checkpoint);
        return new CompiledCheckpoint(
            ClipTextEncoderCompiler.Compile(checkpoint, architecture.TextEncoder, textPrefix, weightInputs: loraWeightInputs ? targets.IsTextEncoderTarget : null),
            UNetCompiler.Compile(checkpoint, architecture.UNet, UNetPrefix, new UNetCompileOptions { FusedAttention = true, WeightInputs = loraWeightInputs ? targets.IsUNetTarget : null }),
            decoder,
            encoder);
    }

    /// <summary>
    /// The decoder and encoder of a standalone VAE file (<c>models/VAE/*.safetensors</c>, keys with or without
    /// <c>first_stage_model.</c>), with the hyper-parameters its own tensors give.
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file has no VAE keys, or a tensor has an unexpected shape.</exception>
    public static (CompiledGraph Decoder, CompiledGraph Encoder) CompileVae(ICheckpointTensors vae)
    {
        ArgumentNullException.ThrowIfNull(vae);
        var prefix = VaeCompiler.DetectVaeKeyPrefix(vae);
        var hp = ArchitectureDetector.ReadVae(vae, prefix);
        return (VaeCompiler.CompileDecoder(vae, hp, prefix), VaeCompiler.CompileEncoder(vae, hp, prefix));
    }
}
