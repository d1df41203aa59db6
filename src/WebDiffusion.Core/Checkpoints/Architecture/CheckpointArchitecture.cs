using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Checkpoints.Architecture;

/// <summary>What a checkpoint is and the hyper-parameters of its three networks.</summary>
/// <param name="Family">The model family.</param>
/// <param name="IsInpainting">Whether the UNet takes 9 channels (latent, mask, masked-image latent).</param>
/// <param name="Prediction">What the UNet predicts (ε or v).</param>
/// <param name="PredictionSource">Where <paramref name="Prediction"/> came from (the yaml, A1111's rule for the family).</param>
/// <param name="UNet">UNet hyper-parameters.</param>
/// <param name="Vae">VAE hyper-parameters.</param>
/// <param name="TextEncoder">Text encoder hyper-parameters.</param>
/// <param name="ScaleFactor">Latent scale factor (0.18215 for SD 1.x/2.x, or the yaml's <c>scale_factor</c>).</param>
public sealed record CheckpointArchitecture(
    CheckpointFamily Family,
    bool IsInpainting,
    PredictionType Prediction,
    string PredictionSource,
    UNetHyperParameters UNet,
    VaeHyperParameters Vae,
    ClipTextHyperParameters TextEncoder,
    float ScaleFactor);
