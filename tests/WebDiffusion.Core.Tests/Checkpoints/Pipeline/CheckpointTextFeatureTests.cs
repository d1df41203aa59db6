using System.Security.Cryptography;
using WebDiffusion.Core.Generation;
using WebDiffusion.Core.Models;
using WebDiffusion.Core.Tests.Checkpoints.Compiler;
using WebDiffusion.Core.Tests.Generation;
using WebDiffusion.Core.Tests.Text;
using WebDiffusion.Core.Text.Conditioning;
using WebDiffusion.Core.Text.Embeddings;

namespace WebDiffusion.Core.Tests.Checkpoints.Pipeline;

/// <summary>
/// Clip skip and textual inversion on a compiled checkpoint through the pipeline's text path (tokenizer, chunker,
/// conditioning builder, compiled CLIP): clip skip 2 equals the original code's <c>final_layer_norm(hidden_states[-2])</c>,
/// an A1111 <c>emb_params</c> file replaces exactly its slots' token embeddings, and the infotext says both as A1111 does;
/// an embedding of another width is skipped with a warning naming the file, the job still runs.
/// </summary>
public sealed class CheckpointTextFeatureTests(CheckpointModelFixture fixture) : IClassFixture<CheckpointModelFixture>
{
    private const int Width = 64;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Clip_skip_2_conditioning_matches_the_penultimate_layer_after_the_final_layer_norm(bool fp16)
    {
        var model = fixture.Model(fp16);
        var builder = new ConditioningBuilder(new OnnxTextEncoder(model.TextEncoder), fixture.Context(fp16).Tokenizer, null, new ConditioningOptions { ClipSkip = 2 });
        var reference = SdReference.Reference("clip_skip2_hidden", fp16).Floats;
        var rowValues = TextEncoder.TokenCount * Width;
        foreach (var (text, row) in new[] { ("a photo of a cat", 0), (string.Empty, 1) })
        {
            var cond = await builder.EncodeTextAsync(text);
            Assert.Equal(1, cond.ChunkCount);
            var diff = SdReference.MaxAbsDifference(reference.AsSpan(row * rowValues, rowValues), cond.Hidden.Span);
            Assert.True(diff <= 1e-4, $"row {row}: max |diff| {diff}");
        }

        var last = await new ConditioningBuilder(new OnnxTextEncoder(model.TextEncoder), fixture.Context(fp16).Tokenizer).EncodeTextAsync("a photo of a cat");
        Assert.True(SdReference.MaxAbsDifference(reference.AsSpan(0, rowValues), last.Hidden.Span) > 1e-2, "clip skip 1 must differ from clip skip 2");
    }

    [Fact]
    public async Task Clip_skip_2_job_runs_and_writes_Clip_skip_in_the_infotext()
    {
        var observer = new RecordingObserver();
        var result = await new StableDiffusionPipeline(fixture.Context(false)).RunAsync(Request("a photo of a cat") with { ClipSkip = 2 }, observer, null, CancellationToken.None);
        Assert.Contains("Clip skip: 2, ", Assert.Single(result.Infotexts), StringComparison.Ordinal);
        Assert.Single(observer.Images);
    }

    [Fact]
    public void An_emb_params_file_replaces_exactly_its_slots_inputs_embeds_rows()
    {
        using var folder = new TempFolder();
        var vectors = Vectors(2, Width, seed: 7);
        var path = Path.Combine(folder.Path, "tinyemb.safetensors");
        SafetensorsTestFile.Write(path, ("emb_params", "F32", [2, Width], SafetensorsTestFile.F32(vectors)));
        var embedding = TextualInversionLibrary.LoadFile(path);
        var encoder = fixture.Model(false).TextEncoder;
        var chunker = new PromptChunker(fixture.Context(false).Tokenizer, [embedding]);

        var chunk = Assert.Single(chunker.Tokenize("a photo of tinyemb cat").Chunks);
        var insertion = Assert.Single(chunk.Insertions);
        Assert.Equal(4, insertion.Position); // BOS, a, photo, of
        var with = new float[TextEncoder.TokenCount * Width];
        var without = new float[with.Length];
        encoder.BuildInputsEmbeds(chunk.Ids, chunk.Insertions, with);
        encoder.BuildInputsEmbeds(chunk.Ids, [], without);
        for (var row = 0; row < TextEncoder.TokenCount; row++)
        {
            var ours = with.AsSpan(row * Width, Width);
            if (row is 4 or 5)
            {
                Assert.True(ours.SequenceEqual(vectors.AsSpan((row - 4) * Width, Width)), $"row {row} is not the embedding's vector {row - 4}");
            }
            else
            {
                Assert.True(ours.SequenceEqual(without.AsSpan(row * Width, Width)), $"row {row} changed");
            }
        }

        var hiddenWith = new float[with.Length];
        var hiddenWithout = new float[with.Length];
        encoder.EncodeChunk(new TextEncoderInput(chunk.Ids, chunk.Insertions, 1), hiddenWith);
        encoder.EncodeChunk(new TextEncoderInput(chunk.Ids, [], 1), hiddenWithout);
        Assert.True(SdReference.MaxAbsDifference(hiddenWith, hiddenWithout) > 1e-3, "the inserted vectors must reach the text encoder");
    }

    [Fact]
    public async Task Used_embeddings_are_hashed_in_the_infotext_and_one_of_another_width_is_skipped_with_a_warning()
    {
        using var folder = new TempFolder();
        var tiny = Path.Combine(folder.Path, "tinyemb.safetensors");
        var negative = Path.Combine(folder.Path, "negemb.safetensors");
        var wide = Path.Combine(folder.Path, "wideemb.safetensors");
        SafetensorsTestFile.Write(tiny, ("emb_params", "F32", [2, Width], SafetensorsTestFile.F32(Vectors(2, Width, seed: 1))));
        SafetensorsTestFile.Write(negative, ("emb_params", "F32", [1, Width], SafetensorsTestFile.F32(Vectors(1, Width, seed: 2))));
        SafetensorsTestFile.Write(wide, ("emb_params", "F32", [1, 768], SafetensorsTestFile.F32(Vectors(1, 768, seed: 3))));
        var context = fixture.Context(false) with { Embeddings = TextualInversionLibrary.Load(folder.Path) };
        var request = Request("a photo of tinyemb wideemb cat") with { NegativePrompt = "negemb" };

        var observer = new RecordingObserver();
        var result = await new StableDiffusionPipeline(context).RunAsync(request, observer, null, CancellationToken.None);

        Assert.Single(observer.Images);
        var infotext = Assert.Single(result.Infotexts);
        Assert.Contains($"TI hashes: \"tinyemb: {Sha12(tiny)}, negemb: {Sha12(negative)}\"", infotext, StringComparison.Ordinal);
        var warning = Assert.Single(result.Comments);
        Assert.Contains("'wideemb'", warning, StringComparison.Ordinal);
        Assert.Contains(wide, warning, StringComparison.Ordinal);
        Assert.Contains("768", warning, StringComparison.Ordinal);
    }

    private static GenerationRequest Request(string prompt) => new()
    {
        Prompt = prompt,
        NegativePrompt = string.Empty,
        Width = 16,
        Height = 16,
        Steps = 2,
        CfgScale = 7,
        Seed = 1,
        SamplerName = "Euler",
    };

    private static string Sha12(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..12];

    private static float[] Vectors(int count, int width, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count * width).Select(_ => (float)(random.NextDouble() - 0.5))];
    }
}
