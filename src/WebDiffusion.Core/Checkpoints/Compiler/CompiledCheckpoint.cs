namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>The four graphs compiled from one checkpoint (the VAE's possibly from a separate VAE file).</summary>
/// <param name="TextEncoder">CLIP text encoder: <c>inputs_embeds</c> → <c>last_hidden_state</c>, <c>clip_skip_states</c>.</param>
/// <param name="UNet">UNet: <c>sample</c>, <c>timestep</c>, <c>encoder_hidden_states</c> → <c>out_sample</c>.</param>
/// <param name="VaeDecoder">VAE decoder: <c>latent_sample</c> → <c>sample</c>.</param>
/// <param name="VaeEncoder">VAE encoder: <c>sample</c> → <c>latent_parameters</c>.</param>
public sealed record CompiledCheckpoint(CompiledGraph TextEncoder, CompiledGraph UNet, CompiledGraph VaeDecoder, CompiledGraph VaeEncoder);
