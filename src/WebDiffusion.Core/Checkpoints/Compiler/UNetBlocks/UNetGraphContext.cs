using WebDiffusion.Core.Checkpoints.Architecture;

namespace WebDiffusion.Core.Checkpoints.Compiler.UNetBlocks;

/// <summary>
/// What every UNet block reads while the graph is written: the builder over the checkpoint, the hyper-parameters, the
/// options, SiLU of the time embedding [b, 4·model_channels] (the same for every ResBlock) and the text context [b, n, d].
/// </summary>
internal sealed record UNetGraphContext(
    CheckpointGraphBuilder Builder,
    UNetHyperParameters HyperParameters,
    UNetCompileOptions Options,
    string EmbeddingSilu,
    string Context);
