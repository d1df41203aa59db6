using System.Runtime.InteropServices;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Lora;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Sampling.Noise;
using WebDiffusion.Core.Tests.Checkpoints.Compiler;
using WebDiffusion.Core.Tests.Checkpoints.Pipeline;
using WebDiffusion.Core.Tests.Generation;
using WebDiffusion.Core.Tests.Models;
using WebDiffusion.Core.Tests.Text;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Tests.Checkpoints.Lora;

/// <summary>
/// kohya LoRA (and LyCORIS LoHa, LoKr) on the sd-reference checkpoint against an independent NumPy computation (Data/make_lora.py): the merged
/// weights within 1e-5, the pipeline with the LoRA equal to the pipeline on a checkpoint with those weights baked in,
/// weight changes without recompiling, A1111's "Lora hashes", and warnings (job still runs) for LoRA that do not fit.
/// Each test opens its own model: applying LoRA changes what the model's sessions are bound to.
/// </summary>
public sealed class LoraReferenceTests : IDisposable
{
    private const string SetOnePrompt = "a photo of a cat <lora:tiny_lora_a:0.8> <lora:tiny_lora_b:0.5:0.3>";
    private readonly TempFolder _folder = new();
    private readonly string _checkpoint;
    private readonly string _loras;
    private readonly List<ModelSet> _models = [];

    public LoraReferenceTests()
    {
        _checkpoint = SdReferenceInstall.Into(Path.Combine(_folder.Path, "Stable-diffusion")).Fp32;
        _loras = Path.Combine(_folder.Path, "Lora");
        LoraReferenceData.InstallInto(_loras);
    }

    [Theory]
    [InlineData("set1", SetOnePrompt)]
    [InlineData("set2", "<lora:tiny_lora_a:0.6> a photo of a cat")]
    [InlineData("set3", "<lora:tiny_loha:0.7> a photo of a cat <lyco:tiny_lokr:1:0.5>")]
    public async Task Merged_weights_match_the_numpy_reference(string set, string prompt)
    {
        var model = Open(_checkpoint);
        await Generate(model, prompt);
        var expected = LoraReferenceData.Merged(set);

        Assert.Equal(expected.Count, model.BoundLoraWeights);
        foreach (var (key, values) in expected)
        {
            var bound = model.BoundLoraWeight(key);
            Assert.True(bound is not null, $"{key} is not bound");
            var diff = SdReference.MaxAbsDifference(values, bound);
            Assert.True(diff <= 1e-5, $"{key}: max |diff| {diff}");
        }
    }

    [Fact]
    public async Task The_pipeline_with_LoRA_equals_the_checkpoint_with_the_numpy_merged_weights_baked_in()
    {
        var baked = Path.Combine(_folder.Path, "baked", "tiny-sd15-baked.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(baked)!);
        var merged = LoraReferenceData.Merged("set1");
        using (var source = SdReference.Open())
        {
            RekeyedCheckpoint.Write(baked, source.Tensors.Select(info => merged.TryGetValue(info.Name, out var values)
                ? new RekeyedCheckpoint.Entry(info.Name, "F32", [.. info.Shape], MemoryMarshal.AsBytes(values.AsSpan()).ToArray())
                : RekeyedCheckpoint.Copy(source, info.Name, info.Name)));
        }

        File.Copy(Path.ChangeExtension(_checkpoint, ".yaml"), Path.ChangeExtension(baked, ".yaml"));
        var lora = Open(_checkpoint);
        var bakedModel = Open(baked);
        var withLora = await Generate(lora, SetOnePrompt);
        var bakedRun = await Generate(bakedModel, "a photo of a cat");

        // single passes: text encoder (LoRA on q_proj, out_proj, fc1, fc2) and UNet, within 1e-5
        var ids = SdReference.Input("clip_input_ids").Int64s.Take(TextEncoder.TokenCount).Select(i => (int)i).ToArray();
        var (ours, expected) = (new float[TextEncoder.TokenCount * 64], new float[TextEncoder.TokenCount * 64]);
        lora.TextEncoder.EncodeChunk(new(ids, [], 1), ours);
        bakedModel.TextEncoder.EncodeChunk(new(ids, [], 1), expected);
        Assert.True(SdReference.MaxAbsDifference(expected, ours) <= 1e-5, $"text encoder: max |diff| {SdReference.MaxAbsDifference(expected, ours)}");
        var x = SdReference.Input("unet_x").Floats.AsSpan(0, 4 * 8 * 8).ToArray();
        var context = SdReference.Input("unet_context").Floats.AsSpan(0, TextEncoder.TokenCount * 64).ToArray();
        var (unetOurs, unetExpected) = (new float[x.Length], new float[x.Length]);
        lora.UNet.Predict(x, 1, 4, 8, 8, 999f, context, TextEncoder.TokenCount, unetOurs);
        bakedModel.UNet.Predict(x, 1, 4, 8, 8, 999f, context, TextEncoder.TokenCount, unetExpected);
        Assert.True(SdReference.MaxAbsDifference(unetExpected, unetOurs) <= 1e-5, $"unet: max |diff| {SdReference.MaxAbsDifference(unetExpected, unetOurs)}");

        // the whole run (CFG 7 amplifies float32 rounding): every step within 1e-5 of max |baked|
        Assert.Equal(bakedRun.Denoised.Count, withLora.Denoised.Count);
        for (var step = 0; step < withLora.Denoised.Count; step++)
        {
            var bound = 1e-5f * bakedRun.Denoised[step].Max(MathF.Abs);
            var diff = SdReference.MaxAbsDifference(bakedRun.Denoised[step], withLora.Denoised[step]);
            Assert.True(diff <= bound, $"step {step}: max |diff| {diff} > {bound}");
        }

        var plain = await Generate(Open(_checkpoint), "a photo of a cat");
        Assert.True(SdReference.MaxAbsDifference(plain.Denoised[^1], withLora.Denoised[^1]) > 1e-3, "the LoRA must change the result");
    }

    [Fact]
    public async Task Changing_the_weight_rebinds_without_compiling_and_a_repeated_set_comes_from_the_cache()
    {
        var model = Open(_checkpoint);
        await Generate(model, "a photo of a cat <lora:tiny_lora_a:0.8>");
        var compilations = CheckpointCompiler.Compilations;

        var library = new LoraLibrary(_loras);
        var network = library.Find("tiny_lora_a")!;
        var sixTenths = model.ApplyLoras([new LoraActivation(network, "tiny_lora_a", 0.6f, 0.6f)]);
        Assert.False(sixTenths.FromCache);
        foreach (var (key, values) in LoraReferenceData.Merged("set2"))
        {
            Assert.True(SdReference.MaxAbsDifference(values, model.BoundLoraWeight(key)) <= 1e-5, key);
        }

        var again = model.ApplyLoras([new LoraActivation(network, "tiny_lora_a", 0.8f, 0.8f)]);
        Assert.True(again.FromCache);
        Assert.Equal(0, model.ApplyLoras([]).ChangedWeights);
        Assert.Equal(0, model.BoundLoraWeights);
        await Generate(model, "a photo of a cat <lora:tiny_lora_a:0.6>");
        Assert.Equal(compilations, CheckpointCompiler.Compilations);
    }

    [Fact]
    public async Task A_job_without_tags_after_a_LoRA_job_runs_on_the_checkpoint_weights()
    {
        var model = Open(_checkpoint);
        var plain = await Generate(Open(_checkpoint), "a photo of a cat");
        await Generate(model, SetOnePrompt);
        var after = await Generate(model, "a photo of a cat");
        Assert.Equal(0, model.BoundLoraWeights);
        Assert.Equal(0, SdReference.MaxAbsDifference(plain.Denoised[^1], after.Denoised[^1]));
    }

    [Fact]
    public async Task The_infotext_has_A1111s_Lora_hashes()
    {
        var run = await Generate(Open(_checkpoint), SetOnePrompt);
        var infotext = Assert.Single(run.Result.Infotexts);
        var a = LoraReferenceData.AddnetShortHash(LoraReferenceData.File("tiny_lora_a"));
        var b = LoraReferenceData.AddnetShortHash(LoraReferenceData.File("tiny_lora_b"));
        Assert.Contains($"Lora hashes: \"tiny_lora_a: {a}, tiny_lora_b: {b}\"", infotext, StringComparison.Ordinal);
        Assert.StartsWith(SetOnePrompt + "\n", infotext, StringComparison.Ordinal);
        Assert.True(run.Result.Comments.Count == 0, string.Join("\n", run.Result.Comments));
    }

    [Fact]
    public async Task LoRA_for_another_architecture_or_unreadable_files_give_warnings_naming_the_file_and_the_job_runs()
    {
        var sd15 = Path.Combine(_loras, "sd15_shaped.safetensors");
        SafetensorsTestFile.Write(sd15,
            ("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_down.weight", "F32", [4, 320], SafetensorsTestFile.F32(new float[4 * 320])),
            ("lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.lora_up.weight", "F32", [320, 4], SafetensorsTestFile.F32(new float[320 * 4])));
        var sdxl = Path.Combine(_loras, "sdxl_names.safetensors");
        SafetensorsTestFile.Write(sdxl,
            ("lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_down.weight", "F32", [4, 640], SafetensorsTestFile.F32(new float[4 * 640])),
            ("lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_up.weight", "F32", [640, 4], SafetensorsTestFile.F32(new float[640 * 4])));
        var truncated = Path.Combine(_loras, "truncated.safetensors");
        var bytes = File.ReadAllBytes(LoraReferenceData.File("tiny_lora_a"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);

        var model = Open(_checkpoint);
        var plain = await Generate(Open(_checkpoint), "a photo of a cat");
        var run = await Generate(model, "a photo of a cat <lora:sd15_shaped:1> <lora:sdxl_names:1> <lora:truncated:1> <lora:missing:1>");

        Assert.Single(run.Images);
        Assert.Equal(0, model.BoundLoraWeights);
        Assert.Equal(0, SdReference.MaxAbsDifference(plain.Denoised[^1], run.Denoised[^1]));
        var comments = run.Result.Comments;
        Assert.True(comments.Count == 4, string.Join("\n", comments));
        var shapes = Assert.Single(comments, c => c.Contains(sd15, StringComparison.Ordinal));
        Assert.Contains("[320, 4]", shapes, StringComparison.Ordinal);
        Assert.Contains("another architecture", shapes, StringComparison.Ordinal);
        Assert.Contains("another architecture", Assert.Single(comments, c => c.Contains(sdxl, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Single(comments, c => c.Contains(truncated, StringComparison.Ordinal));
        Assert.Single(comments, c => c.Contains("'missing'", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        foreach (var model in _models)
        {
            model.Dispose();
        }

        _folder.Dispose();
    }

    private ModelSet Open(string path)
    {
        var description = CheckpointFileReader.Describe(path, Path.GetFileName(path), null);
        Assert.Null(description.Error);
        var model = ModelSet.OpenCheckpoint(description, ModelTestFolders.Runtime, new OrtSessionOptions { IntraOpThreads = 1 });
        _models.Add(model);
        return model;
    }

    private async Task<(GenerationResult Result, List<float[]> Denoised, List<GeneratedImage> Images)> Generate(ModelSet model, string prompt)
    {
        var recorder = new DenoisedRecorder();
        var observer = new RecordingObserver();
        var context = new GenerationContext
        {
            Model = model,
            Tokenizer = ModelTokenizers.For(model.Description),
            Schedule = GenerationContext.ReadSchedule(model.Description),
            RandnSource = RandnSource.Cpu,
            Previewer = recorder,
            PreviewInterval = TimeSpan.Zero,
            Loras = new LoraLibrary(_loras),
            Version = "test",
        };
        var request = new GenerationRequest
        {
            Prompt = prompt,
            NegativePrompt = string.Empty,
            Width = 16,
            Height = 16,
            Steps = 3,
            CfgScale = 7,
            Seed = 1,
            SamplerName = "Euler",
        };
        var result = await new StableDiffusionPipeline(context).RunAsync(request, observer, null, CancellationToken.None);
        return (result, recorder.Steps, observer.Images);
    }
}
