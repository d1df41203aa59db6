using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Tests.Models;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

/// <summary>The compiled VAE against ldm's <c>decode_first_stage</c> and <c>encode</c> on the sd-reference checkpoint (README section (c)).</summary>
public sealed class VaeCompilerTests
{
    private const float Bound = 1e-4f;
    private const string Prefix = VaeCompiler.CheckpointKeyPrefix;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decoder_matches_decode_first_stage_of_the_reference(bool fp16)
    {
        using var tensors = SdReference.Open(fp16);
        var graph = VaeCompiler.CompileDecoder(tensors, Hyper(tensors), VaeCompiler.DetectVaeKeyPrefix(tensors));

        var (image, shape) = Decode(graph);

        var expected = SdReference.Reference("vae_decode_out", fp16);
        Assert.Equal(expected.Shape, shape);
        Assert.InRange(SdReference.MaxAbsDifference(expected.Floats, image), 0f, Bound);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Encoder_gives_the_mean_and_clamped_log_variance_of_the_reference_posterior(bool fp16)
    {
        using var tensors = SdReference.Open(fp16);
        var vae = Hyper(tensors);
        var graph = VaeCompiler.CompileEncoder(tensors, vae, Prefix);

        using var input = SdReference.FloatTensor(SdReference.Input("vae_encode_image"));
        var (parameters, shape) = SdReference.Run(graph, ("sample", input))["latent_parameters"];

        var mean = SdReference.Reference("vae_encode_mean", fp16);
        var logVariance = SdReference.Reference("vae_encode_logvar", fp16);
        Assert.Equal([1L, 2 * vae.EmbedDim, 8, 8], shape);
        var half = mean.Floats.Length;
        Assert.InRange(SdReference.MaxAbsDifference(mean.Floats, parameters.AsSpan(0, half)), 0f, Bound);
        Assert.InRange(SdReference.MaxAbsDifference(logVariance.Floats, parameters.AsSpan(half)), 0f, Bound);
    }

    [Fact]
    public void A_standalone_vae_file_with_bare_keys_decodes_as_the_checkpoint_does()
    {
        using var folder = new TempFolder();
        using var checkpoint = SdReference.Open();
        var vae = Hyper(checkpoint);
        var path = RekeyedSafetensors.Write(checkpoint, Path.Combine(folder.Path, "tiny.vae.safetensors"),
            name => name.StartsWith(Prefix, StringComparison.Ordinal) ? name[Prefix.Length..] : null);
        using var standalone = SafetensorsFile.Open(path);

        Assert.Equal(Prefix, VaeCompiler.DetectVaeKeyPrefix(checkpoint));
        Assert.Equal(string.Empty, VaeCompiler.DetectVaeKeyPrefix(standalone));
        var fromFile = Decode(VaeCompiler.CompileDecoder(standalone, vae, VaeCompiler.DetectVaeKeyPrefix(standalone))).Values;
        var fromCheckpoint = Decode(VaeCompiler.CompileDecoder(checkpoint, vae, Prefix)).Values;

        Assert.Equal(fromCheckpoint, fromFile);
        Assert.InRange(SdReference.MaxAbsDifference(SdReference.Reference("vae_decode_out").Floats, fromFile), 0f, Bound);
    }

    [Fact]
    public void A_standalone_vae_file_with_prefixed_keys_is_detected_with_its_prefix()
    {
        using var folder = new TempFolder();
        using var checkpoint = SdReference.Open();
        var path = RekeyedSafetensors.Write(checkpoint, Path.Combine(folder.Path, "prefixed.vae.safetensors"),
            name => name.StartsWith(Prefix, StringComparison.Ordinal) ? name : null);
        using var standalone = SafetensorsFile.Open(path);

        Assert.Equal(Prefix, VaeCompiler.DetectVaeKeyPrefix(standalone));
        var image = Decode(VaeCompiler.CompileDecoder(standalone, Hyper(checkpoint), Prefix)).Values;
        Assert.InRange(SdReference.MaxAbsDifference(SdReference.Reference("vae_decode_out").Floats, image), 0f, Bound);
    }

    [Fact]
    public void A_file_without_vae_tensors_is_refused_naming_the_file()
    {
        using var folder = new TempFolder();
        using var checkpoint = SdReference.Open();
        var path = RekeyedSafetensors.Write(checkpoint, Path.Combine(folder.Path, "unet-only.safetensors"),
            name => name.StartsWith("model.diffusion_model.", StringComparison.Ordinal) ? name : null);
        using var file = SafetensorsFile.Open(path);

        var error = Assert.Throws<CheckpointFormatException>(() => VaeCompiler.DetectVaeKeyPrefix(file));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("unet-only.safetensors", error.Message, StringComparison.Ordinal);
        Assert.Contains("decoder.conv_in.weight", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("decoder.up.0.block.1.conv2.weight", true)]
    [InlineData("quant_conv.bias", false)]
    [InlineData("encoder.down.0.downsample.conv.weight", false)]
    [InlineData("encoder.down.1.block.0.nin_shortcut.weight", false)]
    [InlineData("decoder.mid.attn_1.proj_out.bias", true)]
    public void A_vae_file_missing_a_tensor_is_refused_naming_the_key(string missing, bool decoder)
    {
        using var folder = new TempFolder();
        using var checkpoint = SdReference.Open();
        var vae = Hyper(checkpoint);
        var path = RekeyedSafetensors.Write(checkpoint, Path.Combine(folder.Path, "incomplete.safetensors"),
            name => name.StartsWith(Prefix, StringComparison.Ordinal) && name[Prefix.Length..] != missing ? name[Prefix.Length..] : null);
        using var file = SafetensorsFile.Open(path);

        var error = Assert.Throws<CheckpointTensorMissingException>(() =>
            decoder ? VaeCompiler.CompileDecoder(file, vae, string.Empty) : VaeCompiler.CompileEncoder(file, vae, string.Empty));

        Assert.Equal(missing, error.Key);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vae_whose_shapes_do_not_fit_the_hyper_parameters_is_refused_naming_the_tensor()
    {
        using var checkpoint = SdReference.Open();
        var wider = Hyper(checkpoint) with { ZChannels = 16, EmbedDim = 16 };

        var error = Assert.Throws<CheckpointFormatException>(() => VaeCompiler.CompileDecoder(checkpoint, wider, Prefix));

        Assert.Equal(Prefix + "post_quant_conv.weight", error.Key);
    }

    [Fact]
    public void The_pipeline_vae_wrappers_run_the_compiled_graphs_from_model_files()
    {
        using var folder = new TempFolder();
        using var checkpoint = SdReference.Open();
        var vae = Hyper(checkpoint);
        var latent = new LatentFormat(vae.EmbedDim, vae.SpatialScale);

        var decoderPath = SaveBesideWeights(VaeCompiler.CompileDecoder(checkpoint, vae, Prefix), folder.Path, ModelComponents.VaeDecoder);
        using (var component = new ComponentSession(decoderPath, ModelSignatureChecks.Read(decoderPath), ModelTestFolders.Runtime, new OrtSessionOptions { IntraOpThreads = 1 }))
        {
            var decoder = new VaeDecoder(component, latent);
            var image = new float[3 * 16 * 16];
            decoder.Decode(ScaledLatent(), 1, 8, 8, image);
            Assert.InRange(SdReference.MaxAbsDifference(SdReference.Reference("vae_decode_out").Floats, image), 0f, Bound);
        }

        var encoderPath = SaveBesideWeights(VaeCompiler.CompileEncoder(checkpoint, vae, Prefix), folder.Path, ModelComponents.VaeEncoder);
        using (var component = new ComponentSession(encoderPath, ModelSignatureChecks.Read(encoderPath), ModelTestFolders.Runtime, new OrtSessionOptions { IntraOpThreads = 1 }))
        {
            var encoder = new VaeEncoder(component, latent);
            Assert.True(encoder.OutputsParameters);
            var mean = new float[vae.EmbedDim * 8 * 8];
            encoder.Encode(SdReference.Input("vae_encode_image").Floats, 1, 16, 16, mean);
            Assert.InRange(SdReference.MaxAbsDifference(SdReference.Reference("vae_encode_mean").Floats, mean), 0f, Bound);
        }
    }

    private static VaeHyperParameters Hyper(ICheckpointTensors tensors) => ArchitectureDetector.Detect(tensors).Vae;

    /// <summary>The sampler's latent times 1/scale_factor, as the README computes it (float32, bit-exact with the reference).</summary>
    private static float[] ScaledLatent()
    {
        var latent = SdReference.Input("vae_decode_latent").Floats;
        return [.. latent.Select(v => v * (float)(1.0 / 0.18215))];
    }

    private static (float[] Values, long[] Shape) Decode(CompiledGraph graph)
    {
        var latent = SdReference.Input("vae_decode_latent");
        using var input = OrtTensor.Create(ScaledLatent(), latent.Shape);
        return SdReference.Run(graph, ("latent_sample", input))["sample"];
    }

    /// <summary>Writes <c>{component}/model.onnx</c> with a copy of the checkpoint beside it, where its external data points.</summary>
    private static string SaveBesideWeights(CompiledGraph graph, string root, string component)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, component)).FullName;
        File.Copy(graph.WeightsFile, Path.Combine(folder, Path.GetFileName(graph.WeightsFile)));
        var path = Path.Combine(folder, ModelComponents.ModelFileName);
        File.WriteAllBytes(path, graph.Model);
        return path;
    }
}
