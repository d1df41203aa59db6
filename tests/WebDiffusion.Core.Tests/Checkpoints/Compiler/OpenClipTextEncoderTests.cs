using System.Globalization;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Checkpoints.Safetensors;
using Xunit.Abstractions;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

/// <summary>
/// The SD 2.x OpenCLIP layout, tested by re-keying the SD 1.x fixture's text encoder into it (q, k, v stacked into
/// <c>in_proj</c>; the UNet and VAE copied so the file is a whole checkpoint): both layouts compiled with the same
/// hyper-parameters must compute the same values.
/// </summary>
public sealed class OpenClipTextEncoderTests(ITestOutputHelper output)
{
    private const string Sd1 = ClipTextLayout.Sd1KeyPrefix;
    private const string Sd2 = ClipTextLayout.Sd2KeyPrefix;

    /// <summary>Writes the fixture with its text encoder in the OpenCLIP layout (and without <c>position_ids</c>, which SD 2.x files lack).</summary>
    private static string WriteOpenClipCopy(string folder, bool fp16, IEnumerable<string>? drop = null)
    {
        using var source = SdReference.Open(fp16);
        var layers = 0;
        while (source.Contains(Sd1 + $"encoder.layers.{layers}.self_attn.q_proj.weight"))
        {
            layers++;
        }

        var entries = source.Tensors.Where(t => !t.Name.StartsWith(Sd1, StringComparison.Ordinal))
            .Select(t => RekeyedCheckpoint.Copy(source, t.Name, t.Name)).ToList();
        void Rename(string from, string to) => entries.Add(RekeyedCheckpoint.Copy(source, Sd1 + from, Sd2 + to));
        void RenameAffine(string from, string to)
        {
            Rename(from + ".weight", to + ".weight");
            Rename(from + ".bias", to + ".bias");
        }

        Rename("embeddings.token_embedding.weight", "token_embedding.weight");
        Rename("embeddings.position_embedding.weight", "positional_embedding");
        RenameAffine("final_layer_norm", "ln_final");
        for (var i = 0; i < layers; i++)
        {
            var from = string.Create(CultureInfo.InvariantCulture, $"encoder.layers.{i}.");
            var to = string.Create(CultureInfo.InvariantCulture, $"transformer.resblocks.{i}.");
            RenameAffine(from + "layer_norm1", to + "ln_1");
            foreach (var part in new[] { "weight", "bias" })
            {
                entries.Add(RekeyedCheckpoint.Stack(source, Sd2 + to + "attn.in_proj_" + part,
                    Sd1 + from + "self_attn.q_proj." + part, Sd1 + from + "self_attn.k_proj." + part, Sd1 + from + "self_attn.v_proj." + part));
            }

            RenameAffine(from + "self_attn.out_proj", to + "attn.out_proj");
            RenameAffine(from + "layer_norm2", to + "ln_2");
            RenameAffine(from + "mlp.fc1", to + "mlp.c_fc");
            RenameAffine(from + "mlp.fc2", to + "mlp.c_proj");
        }

        var dropped = new HashSet<string>(drop ?? [], StringComparer.Ordinal);
        return RekeyedCheckpoint.Write(Path.Combine(folder, fp16 ? "openclip-fp16.safetensors" : "openclip.safetensors"),
            entries.Where(e => !dropped.Contains(e.Name)));
    }

    private static Dictionary<string, (float[] Values, long[] Shape)> Encode(ICheckpointTensors tensors, ClipTextHyperParameters hp, string prefix)
    {
        var graph = ClipTextEncoderCompiler.Compile(tensors, hp, prefix, includeHiddenStates: true);
        using var embeds = ClipTextEncoderCompilerTests.ReferenceEmbeddings(tensors, prefix);
        return SdReference.Run(graph, (ClipTextEncoderCompiler.InputName, embeds));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Detected_sd2_hyper_parameters_compile_both_layouts_to_identical_outputs(bool fp16)
    {
        using var folder = new TempFolder();
        using var sd2 = SafetensorsFile.Open(WriteOpenClipCopy(folder.Path, fp16));
        using var sd1 = SdReference.Open(fp16);

        var architecture = ArchitectureDetector.Detect(sd2);
        Assert.Equal(CheckpointFamily.StableDiffusion2, architecture.Family);
        var hp = architecture.TextEncoder;
        Assert.Equal(ArchitectureDetector.Detect(sd1).TextEncoder with { QuickGelu = false }, hp);
        Assert.Equal(ClipTextLayout.OpenClip, ClipTextLayout.Detect(sd2, Sd2));

        var fromSd1 = Encode(sd1, hp, Sd1);
        var fromSd2 = Encode(sd2, hp, Sd2);

        Assert.Equal(fromSd1.Keys.Order(), fromSd2.Keys.Order());
        foreach (var (name, (values, shape)) in fromSd1)
        {
            Assert.Equal(shape, fromSd2[name].Shape);
            Assert.Equal(values, fromSd2[name].Values);
        }

        // The GELU graph differs from the quick-GELU one the reference used: the activation is really switched.
        var quick = Encode(sd1, hp with { QuickGelu = true }, Sd1)[ClipTextEncoderCompiler.LastHiddenStateName].Values;
        Assert.True(SdReference.MaxAbsDifference(quick, fromSd1[ClipTextEncoderCompiler.LastHiddenStateName].Values) > 1e-3f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OpenClip_layout_with_the_fixture_activation_and_heads_matches_the_transformers_reference(bool fp16)
    {
        using var folder = new TempFolder();
        using var sd2 = SafetensorsFile.Open(WriteOpenClipCopy(folder.Path, fp16));
        using var sd1 = SdReference.Open(fp16);
        var hp = ClipTextEncoderCompilerTests.FixtureHyperParameters(sd1);

        var outputs = Encode(sd2, hp, Sd2);

        var last = outputs[ClipTextEncoderCompiler.LastHiddenStateName].Values;
        var skip = outputs[ClipTextEncoderCompiler.ClipSkipStatesName].Values;
        var lastDiff = SdReference.MaxAbsDifference(SdReference.Reference("clip_last_hidden_state", fp16).Floats, last);
        var penultimateDiff = SdReference.MaxAbsDifference(SdReference.Reference("clip_skip2_hidden", fp16).Floats, skip.AsSpan(last.Length, last.Length));
        output.WriteLine($"OpenCLIP layout, fp16 weights {fp16}: last {lastDiff:E2}, penultimate (SD 2.x's layer) {penultimateDiff:E2}");
        Assert.InRange(lastDiff, 0f, 1e-4f);
        Assert.InRange(penultimateDiff, 0f, 1e-4f);

        var sd1Table = ClipTokenEmbeddings.Read(sd1, Sd1);
        var sd2Table = ClipTokenEmbeddings.Read(sd2, Sd2);
        Assert.Equal((sd1Table.VocabularySize, sd1Table.Width), (sd2Table.VocabularySize, sd2Table.Width));
        Assert.Equal(sd1Table.Row(49407).ToArray(), sd2Table.Row(49407).ToArray());
    }

    [Fact]
    public void A_missing_OpenClip_tensor_is_named()
    {
        using var folder = new TempFolder();
        const string Dropped = Sd2 + "transformer.resblocks.1.mlp.c_proj.weight";
        using var sd2 = SafetensorsFile.Open(WriteOpenClipCopy(folder.Path, fp16: false, [Dropped]));
        using var sd1 = SdReference.Open();
        var hp = ClipTextEncoderCompilerTests.FixtureHyperParameters(sd1);

        var error = Assert.Throws<CheckpointTensorMissingException>(() => ClipTextEncoderCompiler.Compile(sd2, hp, Sd2));
        Assert.Equal(Dropped, error.Key);
    }
}
