namespace WebDiffusion.Core.Checkpoints.Architecture;

/// <summary>The ldm <c>UNetModel</c> configuration, read from a checkpoint's tensors (heads from the yaml or A1111's defaults).</summary>
/// <param name="InChannels">Input channels (4; 9 for inpainting).</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="ModelChannels">Channels of the first level (<c>model_channels</c>).</param>
/// <param name="ChannelMult">Channel multiplier per level.</param>
/// <param name="NumResBlocks">ResBlocks per level on the way down.</param>
/// <param name="AttentionLevels">For each level, whether its blocks carry a SpatialTransformer.</param>
/// <param name="TransformerDepth">BasicTransformerBlocks per SpatialTransformer.</param>
/// <param name="ContextDim">Cross-attention context width.</param>
/// <param name="LinearProjection">Whether <c>proj_in</c>/<c>proj_out</c> are linear (SD 2.x) rather than 1×1 convolutions.</param>
/// <param name="NumHeads">Attention heads when fixed (SD 1.x); -1 when <paramref name="HeadChannels"/> decides.</param>
/// <param name="HeadChannels">Channels per head when fixed (SD 2.x: 64); -1 when <paramref name="NumHeads"/> decides.</param>
public sealed record UNetHyperParameters(
    int InChannels,
    int OutChannels,
    int ModelChannels,
    IReadOnlyList<int> ChannelMult,
    int NumResBlocks,
    IReadOnlyList<bool> AttentionLevels,
    int TransformerDepth,
    int ContextDim,
    bool LinearProjection,
    int NumHeads,
    int HeadChannels)
{
    /// <summary>Number of resolution levels.</summary>
    public int Levels => ChannelMult.Count;

    /// <summary>Heads of an attention layer with <paramref name="channels"/> channels.</summary>
    public int HeadsFor(int channels) => HeadChannels > 0 ? channels / HeadChannels : NumHeads;

    /// <summary>How many times the latent is halved (levels − 1): the latent side must be a multiple of 2^this.</summary>
    public int Downsamplings => Levels - 1;
}
