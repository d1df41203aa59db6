using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Models;

/// <summary>Storage precision of a model (from the unet's <c>sample</c> input).</summary>
public enum ModelPrecision
{
    /// <summary>float32.</summary>
    Fp32,

    /// <summary>float16.</summary>
    Fp16,
}

/// <summary>The Stable Diffusion family, guessed from the text encoder's hidden size or an explicit hint.</summary>
public enum SdVersion
{
    /// <summary>Not recognised (e.g. the tiny test models).</summary>
    Unknown,

    /// <summary>SD 1.x (CLIP ViT-L, hidden size 768).</summary>
    Sd1,

    /// <summary>SD 2.x (OpenCLIP ViT-H, hidden size 1024).</summary>
    Sd2,

    /// <summary>SDXL (two text encoders, 2048-wide context).</summary>
    Xl,
}


/// <summary>The wire names of the model enums, as /api/models shows them.</summary>
public static class ModelEnumNames
{
    /// <summary>"fp32" or "fp16".</summary>
    public static string ToWireName(this ModelPrecision value) => value == ModelPrecision.Fp16 ? "fp16" : "fp32";

    /// <summary>"1.x", "2.x", "XL" or "unknown".</summary>
    public static string ToWireName(this SdVersion value) => value switch
    {
        SdVersion.Sd1 => "1.x",
        SdVersion.Sd2 => "2.x",
        SdVersion.Xl => "XL",
        _ => "unknown",
    };

    /// <summary>"epsilon" or "v_prediction".</summary>
    public static string ToWireName(this PredictionType value) => value == PredictionType.VPrediction ? "v_prediction" : "epsilon";
}
