using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Generation;

/// <summary>
/// The noise schedule of a checkpoint as A1111 takes it: k-diffusion's <c>CompVisDenoiser</c> reads the checkpoint's own
/// <c>alphas_cumprod</c> buffer (a fine-tune may ship another schedule); a file without it gets ldm's default (scaled linear
/// 0.00085..0.012 over 1000 steps).
/// </summary>
public static class CheckpointSchedule
{
    /// <summary>The buffer's key in an ldm checkpoint.</summary>
    public const string AlphasCumprodKey = "alphas_cumprod";

    /// <summary>The schedule of the checkpoint <paramref name="model"/> describes, with its prediction type.</summary>
    /// <exception cref="CheckpointFormatException">The buffer is not a 1-D float tensor of usable values.</exception>
    public static DiscreteSchedule Read(ModelDescription model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var config = NoiseScheduleConfig.StableDiffusion with { Prediction = model.PredictionType };
        using var tensors = CheckpointFile.Open(model.Folder);
        return From(tensors, config);
    }

    /// <summary>The schedule stored in <paramref name="tensors"/>, or the default one when the buffer is absent.</summary>
    public static DiscreteSchedule From(ICheckpointTensors tensors, NoiseScheduleConfig config)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(config);
        if (!tensors.TryGet(AlphasCumprodKey, out var info))
        {
            return new DiscreteSchedule(config);
        }

        if (info.Rank != 1 || !TensorDTypes.IsFloatReadable(info.DType))
        {
            throw new CheckpointFormatException(tensors.FilePath, AlphasCumprodKey, $"expected a 1-D float tensor, found {info.DTypeName} {info.ShapeText}.");
        }

        try
        {
            return new DiscreteSchedule(config, tensors.ReadFloat32(AlphasCumprodKey));
        }
        catch (ArgumentException ex)
        {
            throw new CheckpointFormatException(tensors.FilePath, AlphasCumprodKey, ex.Message);
        }
    }
}
