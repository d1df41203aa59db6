namespace WebDiffusion.Core.Sampling.Samplers;

/// <summary>Receives a callback after each sampler step (k-diffusion's <c>callback</c>); called on the sampling thread.</summary>
public interface ISamplerProgress
{
    /// <summary>Called once per step; must not keep the spans.</summary>
    void OnStep(in SamplerStep step);
}
