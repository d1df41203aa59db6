using System.Security.Cryptography;
using WebDiffusion.Core.Checkpoints.Diffusers;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Sampling.Schedules;
using WebDiffusion.Core.Tests.Models;

namespace WebDiffusion.Core.Tests.Checkpoints.Diffusers;

/// <summary>How the registry lists diffusers PyTorch folders beside broken and unsupported ones.</summary>
public sealed class DiffusersFolderRegistryTests
{
    [Fact]
    public void A_diffusers_safetensors_folder_is_a_usable_model_hashed_by_its_unet_and_broken_ones_are_reported_alone()
    {
        using var folders = new ModelTestFolders();
        var good = DiffusersTestData.InstallInto(Path.Combine(folders.CheckpointsDir, "a-diffusers"));
        var noText = DiffusersTestData.InstallInto(Path.Combine(folders.CheckpointsDir, "b-no-text-encoder"));
        File.Delete(DiffusersFolder.TextEncoderFile(noText));
        var xl = DiffusersTestData.InstallInto(Path.Combine(folders.CheckpointsDir, "c-xl"));
        var index = Path.Combine(xl, DiffusersFolder.ModelIndexFile);
        File.WriteAllText(index, File.ReadAllText(index).Replace("\"StableDiffusionPipeline\"", "\"StableDiffusionXLPipeline\"", StringComparison.Ordinal));

        var models = new ModelRegistry(folders.ModelsDir, folders.DataDir).Refresh().Models;

        Assert.Equal(["a-diffusers", "b-no-text-encoder", "c-xl"], models.Select(m => m.Name));
        var model = models[0];
        Assert.Null(model.Error);
        Assert.Equal(ModelSourceKind.DiffusersFolder, model.Source);
        Assert.Equal(Path.GetFullPath(good), model.Folder);
        var unetSha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(DiffusersFolder.UNetFile(good))));
        Assert.Equal(unetSha, model.Sha256);
        Assert.Equal(unetSha[..10], model.Hash);
        Assert.Null(model.LegacyHash);
        Assert.Equal(new LatentFormat(4, 2), model.Latent);
        Assert.Equal(PredictionType.Epsilon, model.PredictionType);
        Assert.Equal(64, model.TextHiddenSize);
        Assert.Equal(2, model.Architecture!.UNet.NumHeads);
        Assert.Contains("text_encoder", models[1].Error, StringComparison.Ordinal);
        Assert.Equal("not supported yet: diffusers StableDiffusionXLPipeline", models[2].Error);

        // The tokenizer is the folder's own.
        var tokenizer = ModelTokenizers.For(model);
        Assert.Equal([320, 1125, 539, 320, 2368], tokenizer.Encode("a photo of a cat").Where(id => id != tokenizer.BosId && id != tokenizer.EosId));
    }

    [Fact]
    public void The_folder_loads_through_ModelSet_with_the_prediction_type_of_its_scheduler_config()
    {
        using var folders = new ModelTestFolders();
        var folder = DiffusersTestData.InstallInto(Path.Combine(folders.CheckpointsDir, "v"));
        var scheduler = Path.Combine(folder, "scheduler", "scheduler_config.json");
        File.WriteAllText(scheduler, File.ReadAllText(scheduler).Replace("\"epsilon\"", "\"v_prediction\"", StringComparison.Ordinal));

        var description = DiffusersFolderReader.Describe(folder, null);
        using var model = ModelSet.OpenDiffusers(description, ModelTestFolders.Runtime);

        Assert.Equal(PredictionType.VPrediction, model.Description.PredictionType);
        Assert.Equal(PredictionType.VPrediction, GenerationContextSchedule(model.Description));
        Assert.False(model.SupportsLora);
    }

    private static PredictionType GenerationContextSchedule(ModelDescription description) =>
        Core.Generation.GenerationContext.ReadSchedule(description).Config.Prediction;
}
