using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Tests.Models;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;
using Xunit.Abstractions;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

/// <summary>The compiled VAE against ldm's <c>decode_first_stage</c> and <c>encode</c> on the sd-reference checkpoint (README section (c)).</summary>
public sealed class VaeCompilerTests(ITestOutputHelper output)
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
        var difference = SdReference.MaxAbsDifference(expected.Floats, image);
        output.WriteLine($"decode max|diff| {difference:E2}");
        Assert.InRange(difference, 0f, Bound);
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
        var (meanDifference, logVarianceDifference) = (
            SdReference.MaxAbsDifference(mean.Floats, parameters.AsSpan(0, half)),
            SdReference.MaxAbsDifference(logVariance.Floats, parameters.AsSpan(half)));
        output.WriteLine($"encode mean max|diff| {meanDifference:E2}, logvar max|diff| {logVarianceDifference:E2}");
        Assert.InRange(meanDifference, 0f, Bound);
        Assert.InRange(logVarianceDifference, 0f, Bound);
    }

    [Fact]
    public void Encoder_clamps_the_log_variance_to_the_range_of_ldm_and_leaves_the_mean_alone()
    {
        using var folder = new TempFolder();
        using var checkpoint = SdReference.Open();
        var vae = Hyper(checkpoint);
        var e = vae.EmbedDim;
        var path = WriteRenamed(checkpoint, Path.Combine(folder.Path, "shifted.safetensors"),
            name => name.StartsWith(Prefix, StringComparison.Ordinal) ? name[Prefix.Length..] : null);

        // quant_conv's bias shifted by ±100 on the log-variance channels (the first half up, the second down): far past
        // both ends of the range, while the mean channels keep the original weights.
        var bias = checkpoint.ReadFloat32(Prefix + "quant_conv.bias");
        for (var c = e; c < 2 * e; c++)
        {
            bias[c] += c < e + (e / 2) ? 100f : -100f;
        }

        long offset;
        using (var file = SafetensorsFile.Open(path))
        {
            offset = file.GetFileOffset("quant_conv.bias");
        }

        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = offset;
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(bias.AsSpan()));
        }

        using var shifted = SafetensorsFile.Open(path);
        using var input = SdReference.FloatTensor(SdReference.Input("vae_encode_image"));
        var parameters = SdReference.Run(VaeCompiler.CompileEncoder(shifted, vae, string.Empty), ("sample", input))["latent_parameters"].Values;

        var half = parameters.Length / 2;
        var plane = half / e;
        Assert.InRange(SdReference.MaxAbsDifference(SdReference.Reference("vae_encode_mean").Floats, parameters.AsSpan(0, half)), 0f, Bound);
        Assert.All(parameters[half..(half + (e / 2 * plane))], v => Assert.Equal(VaeCompiler.MaxLogVariance, v));
        Assert.All(parameters[(half + (e / 2 * plane))..], v => Assert.Equal(VaeCompiler.MinLogVariance, v));
    }

    [Fact]
    public void A_standalone_vae_file_with_bare_keys_decodes_as_the_checkpoint_does()
    {
        using var folder = new TempFolder();
        using var checkpoint = SdReference.Open();
        var vae = Hyper(checkpoint);
        var path = WriteRenamed(checkpoint, Path.Combine(folder.Path, "tiny.vae.safetensors"),
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
        var path = WriteRenamed(checkpoint, Path.Combine(folder.Path, "prefixed.vae.safetensors"),
            name => name.StartsWith(Prefix, StringComparison.Ordinal) ? name : null);
        using var standalone = SafetensorsFile.Open(path);

        Assert.Equal(Prefix, VaeCompiler.DetectVaeKeyPrefix(standalone));
        var image = Decode(VaeCompiler.CompileDecoder(standalone, Hyper(checkpoint), Prefix)).Values;
        Assert.InRange(SdReference.MaxAbsDifference(SdReference.Reference("vae_decode_out").Floats, image), 0f, Bound);
    }

    [Fact]
    public void Attention_levels_insert_an_attn_block_after_every_resnet_block_of_the_level()
    {
        using var folder = new TempFolder();
        using var checkpoint = SdReference.Open();
        var plain = Hyper(checkpoint);
        var level = plain.ChannelMult.Count - 1;
        var withAttention = plain with { AttentionLevels = [.. plain.AttentionLevels.Select((_, i) => i == level)] };

        // Level attention blocks made from the middle block's tensors, with proj_out zeroed: each adds nothing, so the
        // graph must name and wire every one of them and still decode as the plain VAE does.
        var blocks = Enumerable.Range(0, plain.NumResBlocks).Select(b => $"encoder.down.{level}.attn.{b}")
            .Concat(Enumerable.Range(0, plain.NumResBlocks + 1).Select(b => $"decoder.up.{level}.attn.{b}")).ToArray();
        var entries = checkpoint.Tensors.Where(t => t.Name.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(t => RekeyedCheckpoint.Copy(checkpoint, t.Name, t.Name[Prefix.Length..])).ToList();
        foreach (var block in blocks)
        {
            var middle = Prefix + block.Split('.')[0] + ".mid.attn_1";
            foreach (var part in new[] { "norm.weight", "norm.bias", "q.weight", "q.bias", "k.weight", "k.bias", "v.weight", "v.bias" })
            {
                entries.Add(RekeyedCheckpoint.Copy(checkpoint, $"{middle}.{part}", $"{block}.{part}"));
            }

            foreach (var part in new[] { "proj_out.weight", "proj_out.bias" })
            {
                var info = checkpoint.Get($"{middle}.{part}");
                entries.Add(new RekeyedCheckpoint.Entry($"{block}.{part}", info.DTypeName, [.. info.Shape], new byte[info.ByteLength]));
            }
        }

        using var file = SafetensorsFile.Open(RekeyedCheckpoint.Write(Path.Combine(folder.Path, "attention.safetensors"), entries));
        var decoderGraph = VaeCompiler.CompileDecoder(file, withAttention, string.Empty);
        var encoderGraph = VaeCompiler.CompileEncoder(file, withAttention, string.Empty);

        var declared = OnnxModelInspector.ReadSignature(decoderGraph.Model, "decoder").InitializerNames
            .Concat(OnnxModelInspector.ReadSignature(encoderGraph.Model, "encoder").InitializerNames).ToHashSet();
        Assert.All(blocks, block => Assert.Contains(block + ".q.weight", declared));
        Assert.Equal(Decode(VaeCompiler.CompileDecoder(checkpoint, plain, Prefix)).Values, Decode(decoderGraph).Values);
        using var input = SdReference.FloatTensor(SdReference.Input("vae_encode_image"));
        var parameters = SdReference.Run(encoderGraph, ("sample", input))["latent_parameters"].Values;
        Assert.InRange(SdReference.MaxAbsDifference(SdReference.Reference("vae_encode_mean").Floats, parameters.AsSpan(0, parameters.Length / 2)), 0f, Bound);
    }

    [Fact]
    public void A_file_without_vae_tensors_is_refused_naming_the_file()
    {
        using var folder = new TempFolder();
        using var checkpoint = SdReference.Open();
        var path = WriteRenamed(checkpoint, Path.Combine(folder.Path, "unet-only.safetensors"),
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
        var path = WriteRenamed(checkpoint, Path.Combine(folder.Path, "incomplete.safetensors"),
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

    /// <summary>Writes the tensors of <paramref name="source"/> that <paramref name="rename"/> gives a name (null drops one), bytes unchanged.</summary>
    private static string WriteRenamed(ICheckpointTensors source, string path, Func<string, string?> rename) =>
        RekeyedCheckpoint.Write(path, source.Tensors
            .Select(t => (t.Name, NewName: rename(t.Name)))
            .Where(t => t.NewName is not null)
            .Select(t => RekeyedCheckpoint.Copy(source, t.Name, t.NewName!)));

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
