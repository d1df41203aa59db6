namespace WebDiffusion.Core.Upscaling;

/// <summary>What an upscaler file holds: family, scale and sizes read from its weights.</summary>
/// <param name="Family">The network.</param>
/// <param name="KeyPrefix">Prefix of every key (empty: the file's state dict is the network's).</param>
/// <param name="Scale">Output size ÷ input size (1, 2, 4, 8).</param>
/// <param name="InChannels">Image channels in.</param>
/// <param name="OutChannels">Image channels out.</param>
/// <param name="Blocks">RRDB blocks (RRDBNet) or body convolutions after the first (SRVGGNetCompact).</param>
/// <param name="Activation">SRVGGNetCompact's activation; PReLU for RRDBNet (unused there).</param>
public sealed record UpscalerArchitecture(UpscalerFamily Family, string KeyPrefix, int Scale, int InChannels, int OutChannels, int Blocks, SrvggActivation Activation);
