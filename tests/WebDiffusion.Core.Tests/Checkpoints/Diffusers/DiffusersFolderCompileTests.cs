using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Checkpoints.Diffusers;
using WebDiffusion.Core.Tests.Checkpoints.Compiler;
using WebDiffusion.Core.Sampling.Schedules;
using WebDiffusion.Core.Tests.Checkpoints.Pipeline;
using WebDiffusion.Onnx;
using Xunit.Abstractions;

namespace WebDiffusion.Core.Tests.Checkpoints.Diffusers;

/// <summary>
/// The diffusers folder made from the fp16 sd-reference checkpoint, compiled through <see cref="DiffusersFolder"/>'s views,
/// against the same checkpoint compiled from its ldm keys and against <c>ref_fp16w/</c>.
/// </summary>
public sealed class DiffusersFolderCompileTests(ITestOutputHelper output)
{
    private const float Bound = 1e-4f;

    [Fact]
    public void Each_view_presents_every_ldm_tensor_of_its_component_with_the_checkpoint_bytes_and_shape()
    {
        using var ldm = SdReference.Open(fp16: true);
        using var unet = DiffusersFolder.OpenUNet(DiffusersTestData.Folder);
        using var vae = DiffusersFolder.OpenVae(DiffusersTestData.Folder);
        using var text = DiffusersFolder.OpenTextEncoder(DiffusersTestData.Folder);
        foreach (var (view, prefix) in new (ICheckpointTensors, string)[]
        {
            (unet, CheckpointCompiler.UNetPrefix), (vae, CheckpointCompiler.VaePrefix), (text, CheckpointCompiler.OpenAiClipPrefix),
        })
        {
            // position_ids is a buffer transformers no longer saves; the compiler does not read it.
            var expected = ldm.Tensors.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal) && !t.Name.EndsWith("position_ids", StringComparison.Ordinal))
                .Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(expected, view.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
            foreach (var name in expected)
            {
                Assert.Equal(ldm.Get(name).Shape, view.Get(name).Shape);
                Assert.Equal(ldm.Get(name).DType, view.Get(name).DType);
                Assert.True(ldm.GetBytes(name).SequenceEqual(view.GetBytes(name)), name);
            }
        }

        // The VAE attention is Linear [c, c] in the file and the ldm 1x1 convolution [c, c, 1, 1] in the view, same bytes.
        const string q = CheckpointCompiler.VaePrefix + "encoder.mid.attn_1.q.weight";
        Assert.Equal("encoder.mid_block.attentions.0.to_q.weight", vae.SourceName(q));
        Assert.Equal([64L, 64, 1, 1], vae.Get(q).Shape);
        Assert.Equal(Path.GetFullPath(DiffusersFolder.VaeFile(DiffusersTestData.Folder)), Path.GetFullPath(vae.FilePath));
    }

    [Fact]
    public void Architecture_from_the_views_and_configs_equals_the_checkpoint_with_its_yaml()
    {
        using var ldm = SdReference.Open(fp16: true);
        using var install = new TempFolder();
        var (_, fp16) = SdReferenceInstall.Into(install.Path);
        var expected = ArchitectureDetector.Detect(ldm, CheckpointYaml.FindBeside(fp16));

        var actual = ReadArchitecture();

        Assert.Equal(Describe(expected), Describe(actual));
        Assert.Equal(2, actual.UNet.NumHeads);
        Assert.Equal(2, actual.TextEncoder.Heads);
        Assert.Equal(PredictionType.Epsilon, actual.Prediction);
    }

    [Fact]
    public void UNet_through_the_view_gives_the_checkpoint_graph_output()
    {
        var architecture = ReadArchitecture();
        using var ldm = SdReference.Open(fp16: true);
        using var view = DiffusersFolder.OpenUNet(DiffusersTestData.Folder);
        var options = new UNetCompileOptions { FusedAttention = true };

        var fromView = RunUNet(UNetCompiler.Compile(view, architecture.UNet, CheckpointCompiler.UNetPrefix, options));
        var fromCheckpoint = RunUNet(UNetCompiler.Compile(ldm, architecture.UNet, CheckpointCompiler.UNetPrefix, options));

        Report("unet", fromView, fromCheckpoint, SdReference.Reference("unet_out", fp16Weights: true).Floats);
    }

    [Fact]
    public void Text_encoder_through_the_view_gives_the_checkpoint_graph_outputs_for_clip_skip_1_and_2()
    {
        var architecture = ReadArchitecture();
        using var ldm = SdReference.Open(fp16: true);
        using var view = DiffusersFolder.OpenTextEncoder(DiffusersTestData.Folder);
        const string prefix = CheckpointCompiler.OpenAiClipPrefix;

        var fromView = RunText(ClipTextEncoderCompiler.Compile(view, architecture.TextEncoder, prefix), view);
        var fromCheckpoint = RunText(ClipTextEncoderCompiler.Compile(ldm, architecture.TextEncoder, prefix), ldm);

        Report("clip last", fromView.Last, fromCheckpoint.Last, SdReference.Reference("clip_last_hidden_state", fp16Weights: true).Floats);
        Report("clip skip 2", fromView.Skip2, fromCheckpoint.Skip2, SdReference.Reference("clip_skip2_hidden", fp16Weights: true).Floats);
    }

    [Fact]
    public void Vae_through_the_view_gives_the_checkpoint_graph_decode_and_encode()
    {
        var architecture = ReadArchitecture();
        using var ldm = SdReference.Open(fp16: true);
        using var view = DiffusersFolder.OpenVae(DiffusersTestData.Folder);
        const string prefix = CheckpointCompiler.VaePrefix;

        float[] Decode(ICheckpointTensors t)
        {
            using var latent = OrtTensor.Create(SdReference.Input("vae_decode_latent").Floats.Select(v => v * (float)(1.0 / 0.18215)).ToArray(), [1, 4, 8, 8]);
            return SdReference.Run(VaeCompiler.CompileDecoder(t, architecture.Vae, prefix), ("latent_sample", latent))["sample"].Values;
        }

        float[] Encode(ICheckpointTensors t)
        {
            using var image = SdReference.FloatTensor(SdReference.Input("vae_encode_image"));
            return SdReference.Run(VaeCompiler.CompileEncoder(t, architecture.Vae, prefix), ("sample", image))["latent_parameters"].Values;
        }

        Report("vae decode", Decode(view), Decode(ldm), SdReference.Reference("vae_decode_out", fp16Weights: true).Floats);
        var mean = SdReference.Reference("vae_encode_mean", fp16Weights: true).Floats;
        Report("vae encode mean", Encode(view).AsSpan(0, mean.Length).ToArray(), Encode(ldm).AsSpan(0, mean.Length).ToArray(), mean);
    }

    [Fact]
    public void A_component_file_missing_a_tensor_names_the_ldm_key_and_the_file()
    {
        using var temp = new TempFolder();
        var folder = DiffusersTestData.InstallInto(temp.Path);
        var unetFile = DiffusersFolder.UNetFile(folder);
        using (var source = DiffusersFolder.OpenUNet(DiffusersTestData.Folder))
        {
            var kept = source.Tensors.Where(t => source.SourceName(t.Name) != "conv_out.weight")
                .Select(t => RekeyedCheckpoint.Copy(source, t.Name, source.SourceName(t.Name))).ToArray();
            File.Delete(unetFile);
            RekeyedCheckpoint.Write(unetFile, kept);
        }

        var architecture = ReadArchitecture();
        using var view = DiffusersFolder.OpenUNet(folder);
        var error = Assert.Throws<CheckpointTensorMissingException>(() => UNetCompiler.Compile(view, architecture.UNet, CheckpointCompiler.UNetPrefix));

        Assert.Equal(CheckpointCompiler.UNetPrefix + "out.2.weight", error.Key);
        Assert.Equal(Path.GetFullPath(unetFile), Path.GetFullPath(error.FilePath!));
    }

    internal static CheckpointArchitecture ReadArchitecture(string? folder = null)
    {
        folder ??= DiffusersTestData.Folder;
        using var unet = DiffusersFolder.OpenUNet(folder);
        using var vae = DiffusersFolder.OpenVae(folder);
        using var text = DiffusersFolder.OpenTextEncoder(folder);
        return DiffusersFolder.ReadArchitecture(folder, unet, vae, text);
    }

    private static string Describe(CheckpointArchitecture a) =>
        $"{a.Family} {a.IsInpainting} {a.Prediction} {a.ScaleFactor} "
        + $"{a.UNet with { ChannelMult = [], AttentionLevels = [] }} [{string.Join(",", a.UNet.ChannelMult)}] [{string.Join(",", a.UNet.AttentionLevels)}] "
        + $"{a.Vae with { ChannelMult = [], AttentionLevels = [] }} [{string.Join(",", a.Vae.ChannelMult)}] [{string.Join(",", a.Vae.AttentionLevels)}] {a.TextEncoder}";

    private static float[] RunUNet(CompiledGraph graph)
    {
        using var sample = SdReference.FloatTensor(SdReference.Input("unet_x"));
        using var timestep = OrtTensor.Create(SdReference.Input("unet_t").Int64s.Select(t => (float)t).ToArray(), [2]);
        using var context = SdReference.FloatTensor(SdReference.Input("unet_context"));
        return SdReference.Run(graph, ("sample", sample), ("timestep", timestep), ("encoder_hidden_states", context))["out_sample"].Values;
    }

    private static (float[] Last, float[] Skip2) RunText(CompiledGraph graph, ICheckpointTensors tensors)
    {
        using var embeds = ClipTextEncoderCompilerTests.ReferenceEmbeddings(tensors, CheckpointCompiler.OpenAiClipPrefix);
        var outputs = SdReference.Run(graph, (ClipTextEncoderCompiler.InputName, embeds));
        var skip = outputs[ClipTextEncoderCompiler.ClipSkipStatesName];
        var layer = skip.Values.Length / (int)skip.Shape[0];
        // clip_skip_states[n - 1] is the final layer norm of hidden_states[-n]: index 1 = clip skip 2.
        return (outputs[ClipTextEncoderCompiler.LastHiddenStateName].Values, skip.Values.AsSpan(layer, layer).ToArray());
    }

    private void Report(string what, float[] fromView, float[] fromCheckpoint, float[] reference)
    {
        var same = SdReference.MaxAbsDifference(fromCheckpoint, fromView);
        var toReference = SdReference.MaxAbsDifference(reference, fromView);
        output.WriteLine($"{what}: view vs checkpoint graph max|diff| {same:E2}, view vs ref_fp16w {toReference:E2}");
        Assert.Equal(fromCheckpoint.Length, fromView.Length);
        Assert.InRange(same, 0f, 1e-6f);
        Assert.InRange(toReference, 0f, Bound);
    }
}
