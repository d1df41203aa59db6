namespace WebDiffusion.Core.Checkpoints.Architecture;

/// <summary>The ldm <c>AutoencoderKL</c> configuration, read from a checkpoint's tensors.</summary>
/// <param name="Channels">Base channels (<c>ch</c>).</param>
/// <param name="ChannelMult">Channel multiplier per level.</param>
/// <param name="NumResBlocks">ResBlocks per encoder level (the decoder has one more).</param>
/// <param name="AttentionLevels">For each level, whether it has attention blocks (<c>attn_resolutions</c>).</param>
/// <param name="ZChannels">Latent channels.</param>
/// <param name="EmbedDim">Channels after <c>quant_conv</c>.</param>
/// <param name="ImageChannels">Image channels (3).</param>
public sealed record VaeHyperParameters(
    int Channels,
    IReadOnlyList<int> ChannelMult,
    int NumResBlocks,
    IReadOnlyList<bool> AttentionLevels,
    int ZChannels,
    int EmbedDim,
    int ImageChannels)
{
    /// <summary>Image pixels per latent pixel along one side (2^(levels − 1); 8 for SD).</summary>
    public int SpatialScale => 1 << (ChannelMult.Count - 1);
}
