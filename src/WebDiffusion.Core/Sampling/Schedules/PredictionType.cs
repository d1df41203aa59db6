namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>What the UNet predicts (diffusers <c>prediction_type</c>).</summary>
public enum PredictionType
{
    /// <summary>"epsilon": the added noise (SD1.x, SD2-base, SDXL).</summary>
    Epsilon,

    /// <summary>"v_prediction": v = α·ε − σ_vp·x₀ (SD2 768-v).</summary>
    VPrediction,
}
