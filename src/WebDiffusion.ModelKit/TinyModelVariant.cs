namespace WebDiffusion.ModelKit;

/// <summary>
/// The export variations the tiny-model kit writes. Each mirrors a way real diffusers ONNX exports differ;
/// every variant has the same folder layout and tensor names.
/// </summary>
public enum TinyModelVariant
{
    /// <summary>float32 everywhere; <c>input_ids</c> int32; <c>timestep</c> float32 [batch]; unet weights in external <c>weights.pb</c>.</summary>
    Fp32,

    /// <summary>Every float input, output and weight is float16; <c>timestep</c> float16 [batch].</summary>
    Fp16,

    /// <summary><c>input_ids</c> int64 and <c>timestep</c> int64 [1]; unet weights in external <c>model.onnx_data</c>.</summary>
    Int64Timestep,

    /// <summary>The vae_encoder outputs <c>latent_parameters</c> [batch,8,h,w] (mean then log-variance) instead of <c>latent_sample</c>.</summary>
    LatentParameters,

    /// <summary>An inpainting unet: 9 input channels (latent, mask, masked-image latent).</summary>
    Inpainting,

    /// <summary>scheduler_config.json says <c>v_prediction</c>; <c>timestep</c> is a float32 scalar (shape []).</summary>
    VPrediction,

    /// <summary>
    /// The analytic model: a unet whose eps prediction is exact for data drawn from N(mean, std²) per latent
    /// element, and a linear VAE whose encoder inverts its decoder exactly (see <see cref="AnalyticModelParameters"/>).
    /// </summary>
    Analytic,
}
