using WebDiffusion.Core.Infotext;

namespace WebDiffusion.Core.Generation;

/// <summary>Builds A1111's infotext ("parameters") for one generated image.</summary>
public static class InfotextFactory
{
    /// <summary>The infotext of image <paramref name="index"/> of a run.</summary>
    public static string Create(GenerationRequest request, GenerationRun run, int index)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(run);
        var p = new GenerationParameters()
            .Set(InfotextKeys.Steps, request.Steps)
            .Set(InfotextKeys.Sampler, run.SamplerName)
            .Set(InfotextKeys.ScheduleType, run.SchedulerLabel)
            .Set(InfotextKeys.CfgScale, request.CfgScale)
            .Set(InfotextKeys.Seed, run.AllSeeds[index])
            .SetSize(InfotextKeys.Size, request.Width, request.Height);
        if (run.ModelHash is { } hash)
        {
            p.Set(InfotextKeys.ModelHash, hash);
        }

        p.Set(InfotextKeys.Model, run.ModelName);
        if (run.Vae is { } vae)
        {
            if (vae.Hash is { } vaeHash)
            {
                p.Set(InfotextKeys.VaeHash, vaeHash);
            }

            p.Set(InfotextKeys.Vae, vae.FileName);
        }
        if (run.ClipSkip > 1)
        {
            p.Set(InfotextKeys.ClipSkip, run.ClipSkip);
        }

        if (request.SubseedStrength > 0)
        {
            p.Set(InfotextKeys.VariationSeed, run.AllSubseeds[index]);
            p.Set(InfotextKeys.VariationSeedStrength, request.SubseedStrength);
        }

        if (request.SeedResizeFromW > 0 && request.SeedResizeFromH > 0)
        {
            p.SetSize(InfotextKeys.SeedResizeFrom, request.SeedResizeFromW, request.SeedResizeFromH);
        }

        if (request.Mode == GenerationMode.Img2Img)
        {
            p.Set(InfotextKeys.DenoisingStrength, request.DenoisingStrength);
            if (request.Mask is not null)
            {
                p.Set("Mask blur", request.MaskBlur);
                if (request.InpaintingFill != InpaintingFill.Original)
                {
                    p.Set("Masked content", request.InpaintingFill switch
                    {
                        InpaintingFill.Fill => "fill",
                        InpaintingFill.LatentNoise => "latent noise",
                        _ => "latent nothing",
                    });
                }

                if (request.InpaintFullRes)
                {
                    p.Set("Inpaint area", "Only masked");
                    p.Set("Masked area padding", request.InpaintFullResPadding);
                }
            }
        }
        else if (request.EnableHr)
        {
            p.Set(InfotextKeys.DenoisingStrength, request.HrDenoisingStrength);
            if (request.HrResizeX == 0 && request.HrResizeY == 0)
            {
                p.Set(InfotextKeys.HiresUpscale, request.HrScale);
            }
            else
            {
                p.SetSize(InfotextKeys.HiresResize, run.HiresWidth, run.HiresHeight);
            }

            if (request.HrSecondPassSteps > 0)
            {
                p.Set(InfotextKeys.HiresSteps, request.HrSecondPassSteps);
            }

            p.Set(InfotextKeys.HiresUpscaler, request.HrUpscaler);
            if (!string.IsNullOrEmpty(request.HrPrompt) && request.HrPrompt != request.Prompt)
            {
                p.Set("Hires prompt", request.HrPrompt);
            }

            if (!string.IsNullOrEmpty(request.HrNegativePrompt) && request.HrNegativePrompt != request.NegativePrompt)
            {
                p.Set("Hires negative prompt", request.HrNegativePrompt);
            }

            if (request.HrSamplerName is { Length: > 0 } hrSampler && hrSampler != request.SamplerName)
            {
                p.Set("Hires sampler", hrSampler);
            }

            if (run.HiresScheduleWritten is { } hrSchedule)
            {
                p.Set("Hires schedule type", hrSchedule);
            }
        }

        if (run.LoraHashes is { } loraHashes)
        {
            p.Set(InfotextKeys.LoraHashes, loraHashes);
        }

        if (run.TiHashes is { } tiHashes)
        {
            p.Set(InfotextKeys.TiHashes, tiHashes);
        }

        if (run.EmphasisWritten is { } emphasis)
        {
            p.Set("Emphasis", emphasis);
        }

        foreach (var (key, value) in run.SamplerInfotext)
        {
            p.Set(key, value);
        }

        if (run.EnsdWritten is { } ensd)
        {
            p.Set("ENSD", ensd);
        }

        if (run.NoiseMultiplierWritten is { } noiseMultiplier)
        {
            p.Set("Noise multiplier", noiseMultiplier);
        }

        if (run.RandnSourceWritten is { } rng)
        {
            p.Set("RNG", rng);
        }

        p.Set(InfotextKeys.Version, run.Version);
        return InfotextWriter.Write(request.Prompt, request.NegativePrompt, p);
    }
}
