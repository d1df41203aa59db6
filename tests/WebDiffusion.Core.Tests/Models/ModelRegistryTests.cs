using WebDiffusion.Core.Sampling.Schedules;
using System.Security.Cryptography;
using WebDiffusion.Core.Models;
using WebDiffusion.ModelKit;

namespace WebDiffusion.Core.Tests.Models;

public class ModelRegistryTests
{
    [Fact]
    public void Describes_good_folders_and_reports_broken_ones_without_hiding_the_good_ones()
    {
        using var folders = new ModelTestFolders();
        folders.Write("a-fp16", TinyModelVariant.Fp16);
        var broken = folders.Write("b-broken", TinyModelVariant.Fp32);
        File.Delete(Path.Combine(broken, "vae_decoder", "model.onnx"));
        folders.Write("c-inpaint", TinyModelVariant.Inpainting);
        folders.Write("d-v", TinyModelVariant.VPrediction);
        Directory.CreateDirectory(Path.Combine(folders.CheckpointsDir, "e-empty"));
        File.WriteAllText(Path.Combine(folders.CheckpointsDir, "old.ckpt"), "pickle");

        var registry = new ModelRegistry(folders.ModelsDir, folders.DataDir);
        var models = registry.Refresh().Models;

        Assert.Equal(["a-fp16", "b-broken", "c-inpaint", "d-v", "e-empty", "old.ckpt"], models.Select(m => m.Name));
        var fp16 = models[0];
        Assert.Null(fp16.Error);
        Assert.Equal(ModelPrecision.Fp16, fp16.Precision);
        Assert.Equal(SdVersion.Unknown, fp16.SdVersion);
        Assert.Equal(0.18215f, fp16.LatentScale);
        Assert.Equal(["tokenizer", "text_encoder", "unet", "vae_encoder", "vae_decoder"], fp16.Components);
        Assert.Contains("vae_decoder", models[1].Error, StringComparison.Ordinal);
        Assert.DoesNotContain("vae_decoder", models[1].Components);
        Assert.True(models[2].IsInpainting);
        Assert.Equal(ModelPrecision.Fp32, models[2].Precision);
        Assert.Equal(PredictionType.VPrediction, models[3].PredictionType);
        Assert.Equal(PredictionType.Epsilon, models[0].PredictionType);
        Assert.NotNull(models[4].Error);
        Assert.Contains("pickle", models[5].Error, StringComparison.Ordinal);
        Assert.Same(registry.Current, registry.Current);
        Assert.Equal("c-inpaint", registry.Find("c-inpaint")!.Name);
    }

    [Fact]
    public void Version_and_latent_scale_follow_the_folder_xl_by_its_second_encoder_and_an_explicit_scaling_factor_first()
    {
        using var folders = new ModelTestFolders();
        var xl = folders.Write("a-xl", TinyModelVariant.Fp32);
        Directory.CreateDirectory(Path.Combine(xl, "text_encoder_2"));
        var scaled = folders.Write("b-scaled", TinyModelVariant.Fp32);
        File.WriteAllText(Path.Combine(scaled, "vae_decoder", "config.json"), """{"scaling_factor": 0.5, "latent_channels": 4}""");
        var hinted = folders.Write("c-hinted", TinyModelVariant.Fp32);
        File.WriteAllText(Path.Combine(hinted, "model_index.json"), """{"_webdiffusion": {"sd_version": "2.x"}}""");

        var models = new ModelRegistry(folders.ModelsDir, folders.DataDir).Refresh().Models;

        Assert.Equal((SdVersion.Xl, 0.13025f), (models[0].SdVersion, models[0].LatentScale));
        Assert.Equal((SdVersion.Unknown, 0.5f), (models[1].SdVersion, models[1].LatentScale));
        Assert.Equal((SdVersion.Sd2, 0.18215f), (models[2].SdVersion, models[2].LatentScale));
    }

    [Theory]
    [InlineData("offset", "not a byte count")]
    [InlineData("location", "external weights file name inside the model folder")]
    [InlineData("/dev/zero", "external weights file name inside the model folder")]
    public void A_hostile_external_data_entry_is_reported_on_its_folder_and_hides_nothing(string spoil, string message)
    {
        using var folders = new ModelTestFolders();
        folders.Write("a-good", TinyModelVariant.Fp32);
        var bad = folders.Write("b-hostile", TinyModelVariant.Fp32);
        var unet = Path.Combine(bad, "unet", "model.onnx");
        var bytes = File.ReadAllBytes(unet);
        // "/dev/zero" as the location would make a careless hasher read forever.
        File.WriteAllBytes(unet, spoil.StartsWith('/') ? ReplaceLocation(bytes, spoil) : SpoilExternalDataValue(bytes, spoil));
        folders.Write("c-good", TinyModelVariant.Fp32);

        var models = new ModelRegistry(folders.ModelsDir, folders.DataDir).Refresh().Models;

        Assert.Equal(["a-good", "b-hostile", "c-good"], models.Select(m => m.Name));
        Assert.Null(models[0].Error);
        Assert.Null(models[2].Error);
        Assert.Contains(message, models[1].Error, StringComparison.Ordinal);
    }

    /// <summary>Replaces the value of each external-data location ("weights.pb", 10 bytes) by another of the same length.</summary>
    private static byte[] ReplaceLocation(byte[] model, string location)
    {
        var from = System.Text.Encoding.ASCII.GetBytes("\u0012\u000aweights.pb");
        var to = System.Text.Encoding.ASCII.GetBytes("\u0012\u000a" + location.PadRight(10, '/'));
        Assert.Equal(from.Length, to.Length);
        var replaced = 0;
        for (var i = model.AsSpan().IndexOf(from); i >= 0; i = model.AsSpan().IndexOf(from))
        {
            to.CopyTo(model, i);
            replaced++;
        }

        Assert.True(replaced > 0, "the tiny unet has no external-data location weights.pb");
        return model;
    }

    /// <summary>
    /// Rewrites, in place and at the same length, the value of every external-data entry named <paramref name="key"/>
    /// (protobuf: 0x0a len key 0x12 len value): digits become letters, a file name gets a NUL inside.
    /// </summary>
    private static byte[] SpoilExternalDataValue(byte[] model, string key)
    {
        var pattern = new byte[] { 0x0a, (byte)key.Length }.Concat(System.Text.Encoding.ASCII.GetBytes(key)).Append((byte)0x12).ToArray();
        var spoiled = 0;
        for (var i = model.AsSpan().IndexOf(pattern); i >= 0; i = model.AsSpan(i + 1).IndexOf(pattern) is var next and >= 0 ? i + 1 + next : -1)
        {
            var start = i + pattern.Length + 1;
            var length = model[i + pattern.Length];
            if (key == "offset")
            {
                model.AsSpan(start, length).Fill((byte)'z');
            }
            else
            {
                model[start + (length / 2)] = 0;
            }

            spoiled++;
        }

        Assert.True(spoiled > 0, "the tiny unet has no external-data " + key);
        return model;
    }

    [Fact]
    public void Hash_is_the_sha256_of_the_unet_and_its_external_weights_and_is_cached()
    {
        using var folders = new ModelTestFolders();
        var folder = folders.Write("m", TinyModelVariant.Fp32);
        var unetBytes = File.ReadAllBytes(Path.Combine(folder, "unet", "model.onnx"));
        var weights = File.ReadAllBytes(Path.Combine(folder, "unet", "weights.pb"));
        var expected = Convert.ToHexStringLower(SHA256.HashData([.. unetBytes, .. weights]))[..10];

        var registry = new ModelRegistry(folders.ModelsDir, folders.DataDir);
        Assert.Equal(expected, registry.Refresh().Models.Single().Hash);
        var cacheFile = Path.Combine(folders.DataDir, ModelHashCache.FileName);
        Assert.Contains(expected, File.ReadAllText(cacheFile), StringComparison.Ordinal);

        // A cached entry is used as long as path, size and mtime match: poison it to prove it is read.
        File.WriteAllText(cacheFile, File.ReadAllText(cacheFile).Replace(expected, "0123456789", StringComparison.Ordinal));
        Assert.Equal("0123456789", new ModelRegistry(folders.ModelsDir, folders.DataDir).Refresh().Models.Single().Hash);

        // Touching the weights invalidates the entry.
        File.SetLastWriteTimeUtc(Path.Combine(folder, "unet", "weights.pb"), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(expected, new ModelRegistry(folders.ModelsDir, folders.DataDir).Refresh().Models.Single().Hash);
    }

    [Fact]
    public void Inline_weights_hash_equals_a1111_short_hash_of_the_file()
    {
        using var folders = new ModelTestFolders();
        var folder = folders.Write("m", TinyModelVariant.Fp16);
        var expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "unet", "model.onnx"))))[..10];
        Assert.Equal(expected, new ModelRegistry(folders.ModelsDir, folders.DataDir).Refresh().Models.Single().Hash);
    }

    [Fact]
    public void Lists_vae_lora_and_embeddings_from_both_folders_refusing_pickles()
    {
        using var folders = new ModelTestFolders();
        var extraEmbeddings = Path.Combine(folders.Root, "embeddings");
        foreach (var (dir, file) in new[]
        {
            ("VAE", "kl-f8.safetensors"), ("VAE", "old.pt"), ("Lora", "style.safetensors"), ("Lora", "notes.txt"),
            ("embeddings", "bad-hands.safetensors"),
        })
        {
            Directory.CreateDirectory(Path.Combine(folders.ModelsDir, dir));
            File.WriteAllText(Path.Combine(folders.ModelsDir, dir, file), "x");
        }

        Directory.CreateDirectory(extraEmbeddings);
        File.WriteAllText(Path.Combine(extraEmbeddings, "easyneg.pt"), "x");

        var snapshot = new ModelRegistry(folders.ModelsDir, folders.DataDir, extraEmbeddings).Refresh();

        Assert.Equal(["kl-f8", "old"], snapshot.Vae.Select(f => f.Name));
        Assert.True(snapshot.Vae[0].IsUsable);
        Assert.Contains("pickle", snapshot.Vae[1].Error, StringComparison.Ordinal);
        Assert.Equal(["style"], snapshot.Loras.Select(f => f.Name));
        Assert.Equal(["bad-hands", "easyneg"], snapshot.Embeddings.Select(f => f.Name));
        Assert.False(snapshot.Embeddings[1].IsUsable);
    }

    [Fact]
    public void Concurrent_refreshes_are_safe_and_agree()
    {
        using var folders = new ModelTestFolders();
        folders.Write("m", TinyModelVariant.Fp32);
        var registry = new ModelRegistry(folders.ModelsDir, folders.DataDir);
        var snapshots = new ModelRegistrySnapshot[8];
        Parallel.For(0, snapshots.Length, i => snapshots[i] = registry.Refresh());
        Assert.All(snapshots, s => Assert.Equal(snapshots[0].Models.Single().Hash, s.Models.Single().Hash));
    }

    [Fact]
    public void Missing_models_folder_gives_an_empty_listing()
    {
        var registry = new ModelRegistry(Path.Combine(Path.GetTempPath(), "wd-none-" + Guid.NewGuid().ToString("N")), null);
        var snapshot = registry.Refresh();
        Assert.Empty(snapshot.Models);
        Assert.Empty(snapshot.Vae);
    }
}
