using WebDiffusion.Core.Imaging;

namespace WebDiffusion.Core.Generation;

/// <summary>Receives progress and finished images from a pipeline run.</summary>
public interface IGenerationObserver
{
    /// <summary>One sampling step finished (called on the sampling thread; keep it cheap).</summary>
    void OnStep(GenerationStep step);

    /// <summary>One image is finished; saving it must complete before the pipeline goes on.</summary>
    Task OnImageAsync(GeneratedImage image, CancellationToken cancellationToken);
}

/// <summary>
/// Progress of one step, counted over the whole request: <see cref="Step"/> of <see cref="TotalSteps"/> =
/// n_iter × (first-pass + hires steps) (see <see cref="StepPlan"/>), so Step/TotalSteps rises monotonically to 1.
/// <see cref="ImageIndex"/> is the first image of the batch being sampled; <see cref="Preview"/> is a small latent
/// preview, or null when throttled.
/// </summary>
public sealed record GenerationStep(int Step, int TotalSteps, int ImageIndex, int ImageCount, float Sigma, RgbaImage? Preview);

/// <summary>A finished image with what A1111 reports about it.</summary>
public sealed record GeneratedImage(RgbaImage Image, int Index, long Seed, long Subseed, string Prompt, string NegativePrompt, string Infotext);

/// <summary>Lets the user skip the image (batch) being generated: the token fires on skip, <see cref="Reset"/> arms a new one.</summary>
public interface ISkipSignal
{
    /// <summary>The token of the current image.</summary>
    CancellationToken Current { get; }

    /// <summary>Arms a fresh token for the next image.</summary>
    void Reset();

    /// <summary>
    /// True when the job's stop is an interrupt (A1111's Interrupt: the batch being sampled is decoded from its last
    /// denoised latent and returned with the finished ones) rather than a cancel (nothing more is returned).
    /// </summary>
    bool Interrupted => false;
}
