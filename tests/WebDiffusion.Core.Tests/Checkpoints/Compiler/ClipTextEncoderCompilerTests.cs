using System.Text.Json;
using WebDiffusion.Core.Checkpoints;
using WebDiffusion.Core.Checkpoints.Architecture;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Tests.Models;
using WebDiffusion.Onnx;
using Xunit.Abstractions;

namespace WebDiffusion.Core.Tests.Checkpoints.Compiler;

public sealed class ClipTextEncoderCompilerTests(ITestOutputHelper output)
{
    private const float Bound = 1e-4f;
    private const string Prefix = ClipTextLayout.Sd1KeyPrefix;

    /// <summary>
    /// The fixture's text encoder hyper-parameters: detected from the tensors, with the head count of its config (2; the
    /// yaml beside it has no text config, so the detector falls back to width ÷ 64 = 1, which the weights cannot tell).
    /// </summary>
    internal static ClipTextHyperParameters FixtureHyperParameters(ICheckpointTensors tensors)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(SharedTestData.File("sd-reference", "config.json")));
        var heads = config.RootElement.GetProperty("cond_stage_text_config").GetProperty("num_attention_heads").GetInt32();
        return ArchitectureDetector.Detect(tensors).TextEncoder with { Heads = heads };
    }

    /// <summary>Token embeddings of <c>inputs/clip_input_ids</c> [2, 77] from <paramref name="tensors"/>.</summary>
    internal static OrtTensor ReferenceEmbeddings(ICheckpointTensors tensors, string keyPrefix = Prefix)
    {
        var ids = SdReference.Input("clip_input_ids");
        var table = ClipTokenEmbeddings.Read(tensors, keyPrefix);
        return OrtTensor.Create(table.Embed(ids.Int64s), [.. ids.Shape, table.Width]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sd1_text_encoder_matches_transformers_for_clip_skip_1_and_2_and_every_hidden_state(bool fp16)
    {
        using var tensors = SdReference.Open(fp16);
        var hp = FixtureHyperParameters(tensors);
        var graph = ClipTextEncoderCompiler.Compile(tensors, hp, Prefix, includeHiddenStates: true);

        using var embeds = ReferenceEmbeddings(tensors);
        var outputs = SdReference.Run(graph, (ClipTextEncoderCompiler.InputName, embeds));

        var (last, lastShape) = outputs[ClipTextEncoderCompiler.LastHiddenStateName];
        var (skip, skipShape) = outputs[ClipTextEncoderCompiler.ClipSkipStatesName];
        var (hidden, hiddenShape) = outputs[ClipTextEncoderCompiler.HiddenStatesName];
        Assert.Equal([2L, 77, hp.Width], lastShape);
        Assert.Equal([hp.Layers, 2L, 77, hp.Width], skipShape);
        Assert.Equal([hp.Layers + 1, 2L, 77, hp.Width], hiddenShape);
        var slice = last.Length;

        var lastDiff = SdReference.MaxAbsDifference(SdReference.Reference("clip_last_hidden_state", fp16).Floats, last);
        var skip2Diff = SdReference.MaxAbsDifference(SdReference.Reference("clip_skip2_hidden", fp16).Floats, skip.AsSpan(slice, slice));
        var hiddenDiff = SdReference.MaxAbsDifference(SdReference.Reference("clip_hidden_states", fp16).Floats, hidden);
        output.WriteLine($"fp16 weights {fp16}: last_hidden_state {lastDiff:E2}, clip skip 2 {skip2Diff:E2}, hidden_states {hiddenDiff:E2}");

        Assert.Equal(last, skip.AsSpan(0, slice).ToArray());
        Assert.InRange(lastDiff, 0f, Bound);
        Assert.InRange(skip2Diff, 0f, Bound);
        Assert.InRange(hiddenDiff, 0f, Bound);
    }

    [Fact]
    public void Graph_without_the_debug_output_has_the_two_contract_outputs_and_the_same_values()
    {
        using var tensors = SdReference.Open();
        var hp = FixtureHyperParameters(tensors);
        var graph = ClipTextEncoderCompiler.Compile(tensors, hp, Prefix);

        using var session = graph.Open(ModelTestFolders.Runtime, new OrtSessionOptions { IntraOpThreads = 1 });
        Assert.Equal([ClipTextEncoderCompiler.InputName], session.Inputs.Select(i => i.Name));
        Assert.Equal([ClipTextEncoderCompiler.LastHiddenStateName, ClipTextEncoderCompiler.ClipSkipStatesName], session.Outputs.Select(o => o.Name));

        using var embeds = ReferenceEmbeddings(tensors);
        var last = SdReference.Run(graph, (ClipTextEncoderCompiler.InputName, embeds))[ClipTextEncoderCompiler.LastHiddenStateName].Values;
        Assert.InRange(SdReference.MaxAbsDifference(SdReference.Reference("clip_last_hidden_state").Floats, last), 0f, Bound);
    }

    [Fact]
    public void Each_batch_row_is_encoded_on_its_own()
    {
        using var tensors = SdReference.Open();
        var hp = FixtureHyperParameters(tensors);
        var graph = ClipTextEncoderCompiler.Compile(tensors, hp, Prefix);
        var table = ClipTokenEmbeddings.Read(tensors, Prefix);
        var ids = SdReference.Input("clip_input_ids").Int64s;

        using var single = OrtTensor.Create(table.Embed(ids.AsSpan(77, 77)), [1, 77, hp.Width]);
        var last = SdReference.Run(graph, (ClipTextEncoderCompiler.InputName, single))[ClipTextEncoderCompiler.LastHiddenStateName].Values;

        var reference = SdReference.Reference("clip_last_hidden_state").Floats.AsSpan(77 * hp.Width);
        Assert.InRange(SdReference.MaxAbsDifference(reference, last), 0f, Bound);
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        using var folder = new TempFolder();
        string path;
        const string Dropped = Prefix + "encoder.layers.1.self_attn.v_proj.weight";
        using (var source = SdReference.Open())
        {
            var entries = source.Tensors.Where(t => t.Name.StartsWith(Prefix, StringComparison.Ordinal) && t.Name != Dropped)
                .Select(t => RekeyedCheckpoint.Copy(source, t.Name, t.Name));
            path = RekeyedCheckpoint.Write(Path.Combine(folder.Path, "no-v-proj.safetensors"), entries);
        }

        using var tensors = WebDiffusion.Core.Checkpoints.Safetensors.SafetensorsFile.Open(path);
        using var full = SdReference.Open();
        var hp = FixtureHyperParameters(full);

        var error = Assert.Throws<CheckpointTensorMissingException>(() => ClipTextEncoderCompiler.Compile(tensors, hp, Prefix));
        Assert.Equal(Dropped, error.Key);
        Assert.Contains(Dropped, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hyper_parameters_that_disagree_with_the_tensors_are_refused()
    {
        using var tensors = SdReference.Open();
        var hp = FixtureHyperParameters(tensors);

        var shape = Assert.Throws<CheckpointFormatException>(() => ClipTextEncoderCompiler.Compile(tensors, hp with { Width = 32 }, Prefix));
        Assert.Equal(Prefix + "embeddings.position_embedding.weight", shape.Key);
        Assert.Throws<ArgumentException>(() => ClipTextEncoderCompiler.Compile(tensors, hp with { Heads = 3 }, Prefix));
        var missing = Assert.Throws<CheckpointTensorMissingException>(() => ClipTextEncoderCompiler.Compile(tensors, hp with { Layers = 3 }, Prefix));
        Assert.Equal(Prefix + "encoder.layers.2.layer_norm1.weight", missing.Key);
    }
}
