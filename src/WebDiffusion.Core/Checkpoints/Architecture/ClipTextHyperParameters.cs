namespace WebDiffusion.Core.Checkpoints.Architecture;

/// <summary>The CLIP text transformer configuration, read from a checkpoint's tensors (heads from the yaml or width ÷ 64).</summary>
/// <param name="VocabularySize">Token embedding rows.</param>
/// <param name="MaxPositions">Position embedding rows (77).</param>
/// <param name="Width">Hidden size.</param>
/// <param name="Layers">Encoder layers.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="MlpWidth">MLP hidden size.</param>
/// <param name="QuickGelu">Whether the MLP uses quick-GELU (OpenAI CLIP) rather than GELU (OpenCLIP).</param>
/// <param name="LayerNormEpsilon">Layer norm epsilon.</param>
public sealed record ClipTextHyperParameters(
    int VocabularySize,
    int MaxPositions,
    int Width,
    int Layers,
    int Heads,
    int MlpWidth,
    bool QuickGelu,
    float LayerNormEpsilon);
