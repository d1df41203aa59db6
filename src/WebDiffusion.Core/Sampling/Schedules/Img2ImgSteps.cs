namespace WebDiffusion.Core.Sampling.Schedules;

/// <summary>A1111's <c>setup_img2img_steps</c>: how many steps img2img runs for a denoising strength.</summary>
public static class Img2ImgSteps
{
    /// <summary>
    /// Returns the schedule length and t_enc. Normally steps stays and t_enc = ⌊min(strength, 0.999)·steps⌋, and the
    /// last t_enc + 1 σ-intervals run. With <paramref name="fixSteps"/> (option <c>img2img_fix_steps</c>, and the
    /// hires pass) the schedule is stretched to ⌊steps / min(strength, 0.999)⌋ and exactly <c>steps</c> run.
    /// </summary>
    public static (int ScheduleSteps, int TEnc) Setup(int steps, double denoisingStrength, bool fixSteps = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (double.IsNaN(denoisingStrength) || denoisingStrength < 0 || denoisingStrength > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(denoisingStrength), denoisingStrength, "Denoising strength must be between 0 and 1.");
        }

        if (fixSteps)
        {
            var scheduleSteps = denoisingStrength > 0 ? (int)(steps / Math.Min(denoisingStrength, 0.999)) : 0;
            return (scheduleSteps, steps - 1);
        }

        return (steps, (int)(Math.Min(denoisingStrength, 0.999) * steps));
    }
}
