using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Core.Sampling.Schedules;

namespace WebDiffusion.Core.Tests.Checkpoints;

public sealed class ArchitectureDetectorTests
{
    [Theory]
    [InlineData("tiny-sd15.safetensors")]
    [InlineData("tiny-sd15-fp16.safetensors")]
    public void The_reference_checkpoint_reads_as_its_config(string name)
    {
        using var file = SafetensorsFile.Open(SharedTestData.File("sd-reference", name));
        var yaml = CheckpointYaml.FindBeside(SharedTestData.File("sd-reference", "tiny-sd15.safetensors"));
        var a = ArchitectureDetector.Detect(file, yaml);
        Assert.Equal(CheckpointFamily.StableDiffusion1, a.Family);
        Assert.False(a.IsInpainting);
        Assert.Equal(PredictionType.Epsilon, a.Prediction);
        Assert.Equal(0.18215f, a.ScaleFactor);
        var u = a.UNet;
        Assert.Equal((4, 4, 32, 1, 1, 64, false), (u.InChannels, u.OutChannels, u.ModelChannels, u.NumResBlocks, u.TransformerDepth, u.ContextDim, u.LinearProjection));
        Assert.Equal([1, 2], u.ChannelMult);
        Assert.Equal([true, false], u.AttentionLevels);
        Assert.Equal(2, u.HeadsFor(32));
        Assert.Equal(2, u.HeadsFor(64));
        var v = a.Vae;
        Assert.Equal((32, 1, 4, 4, 3, 2), (v.Channels, v.NumResBlocks, v.ZChannels, v.EmbedDim, v.ImageChannels, v.SpatialScale));
        Assert.Equal([1, 2], v.ChannelMult);
        Assert.Equal([false, false], v.AttentionLevels);
        var c = a.TextEncoder;
        Assert.Equal((49408, 77, 64, 2, 256, true), (c.VocabularySize, c.MaxPositions, c.Width, c.Layers, c.MlpWidth, c.QuickGelu));
    }

    [Fact]
    public void Without_a_yaml_sd1_gets_A1111s_eight_heads()
    {
        using var file = SafetensorsFile.Open(SharedTestData.File("sd-reference", "tiny-sd15.safetensors"));
        var a = ArchitectureDetector.Detect(file, CheckpointYaml.Parse([]));
        Assert.Equal(8, a.UNet.HeadsFor(320));
    }

    [Fact]
    public void Nine_input_channels_is_inpainting()
    {
        using var folder = new TempFolder();
        var shapes = SyntheticCheckpoint.TinyShapes();
        shapes["model.diffusion_model.input_blocks.0.0.weight"] = [32, 9, 3, 3];
        using var file = SyntheticCheckpoint.Open(folder.Path, "inpaint.safetensors", shapes);
        var a = ArchitectureDetector.Detect(file);
        Assert.True(a.IsInpainting);
        Assert.Equal(9, a.UNet.InChannels);
        Assert.Equal(PredictionType.Epsilon, a.Prediction);
    }

    [Theory]
    [InlineData(false, PredictionType.VPrediction)]
    [InlineData(true, PredictionType.Epsilon)]
    public void OpenClip_keys_are_sd2_with_64_channel_heads_and_A1111s_prediction(bool inpainting, PredictionType expected)
    {
        using var folder = new TempFolder();
        var shapes = SyntheticCheckpoint.TinyShapes();
        foreach (var key in shapes.Keys.Where(k => k.StartsWith("cond_stage_model.", StringComparison.Ordinal)).ToList())
        {
            shapes.Remove(key);
        }

        shapes["model.diffusion_model.input_blocks.1.1.proj_in.weight"] = [32, 32];
        if (inpainting)
        {
            shapes["model.diffusion_model.input_blocks.0.0.weight"] = [32, 9, 3, 3];
        }

        shapes["cond_stage_model.model.token_embedding.weight"] = [1000, 128];
        shapes["cond_stage_model.model.positional_embedding"] = [77, 128];
        shapes["cond_stage_model.model.ln_final.weight"] = [128];
        for (var i = 0; i < 3; i++)
        {
            shapes[$"cond_stage_model.model.transformer.resblocks.{i}.attn.in_proj_weight"] = [384, 128];
            shapes[$"cond_stage_model.model.transformer.resblocks.{i}.mlp.c_fc.weight"] = [512, 128];
        }

        using var file = SyntheticCheckpoint.Open(folder.Path, "sd2.safetensors", shapes);
        var a = ArchitectureDetector.Detect(file);
        Assert.Equal(CheckpointFamily.StableDiffusion2, a.Family);
        Assert.Equal(expected, a.Prediction);
        Assert.True(a.UNet.LinearProjection);
        Assert.Equal(2, a.UNet.HeadsFor(128));
        Assert.Equal((1000, 128, 3, 2, 512, false), (a.TextEncoder.VocabularySize, a.TextEncoder.Width, a.TextEncoder.Layers, a.TextEncoder.Heads, a.TextEncoder.MlpWidth, a.TextEncoder.QuickGelu));
    }

    [Fact]
    public void A_yaml_parameterization_wins()
    {
        using var file = SafetensorsFile.Open(SharedTestData.File("sd-reference", "tiny-sd15.safetensors"));
        var yaml = CheckpointYaml.Parse(["model:", "  params:", "    parameterization: \"v\"", "    unet_config:", "      params:", "        num_head_channels: 16"]);
        var a = ArchitectureDetector.Detect(file, yaml);
        Assert.Equal(PredictionType.VPrediction, a.Prediction);
        Assert.Equal(4, a.UNet.HeadsFor(64));
    }

    [Theory]
    [InlineData("conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight", "SDXL")]
    [InlineData("model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight", "SD3")]
    [InlineData("double_blocks.0.img_attn.qkv.weight", "Flux")]
    [InlineData("some.other.weight", "unknown")]
    public void Other_families_are_not_supported_yet_by_name(string key, string kind)
    {
        using var folder = new TempFolder();
        using var file = SyntheticCheckpoint.Open(folder.Path, "other.safetensors", new Dictionary<string, long[]> { [key] = [4, 4] });
        var error = Assert.Throws<UnsupportedCheckpointException>(() => ArchitectureDetector.Detect(file));
        Assert.StartsWith(kind, error.Kind, StringComparison.Ordinal);
        Assert.Contains("not supported yet: " + kind, error.Message, StringComparison.Ordinal);
    }
}
