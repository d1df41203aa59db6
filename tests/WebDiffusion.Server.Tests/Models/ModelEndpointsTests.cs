using System.Net.Http.Json;
using System.Text.Json;
using WebDiffusion.ModelKit;
using WebDiffusion.Server.Cli;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Models;

public class ModelEndpointsTests
{
    private static readonly string ClipFolder = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, "..", "shared", "testdata", "clip"));

    private static void CopyTokenizer(string folder)
    {
        File.Copy(Path.Combine(ClipFolder, "vocab.json"), Path.Combine(folder, "vocab.json"));
        File.Copy(Path.Combine(ClipFolder, "merges.txt"), Path.Combine(folder, "merges.txt"));
    }

    [Fact]
    public async Task Api_models_lists_a_demo_model_and_a_broken_one()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            var checkpoints = Path.Combine(root, "models", "Stable-diffusion");
            TinyModelWriter.WriteModel(Path.Combine(checkpoints, "demo"), TinyModelVariant.Inpainting, CopyTokenizer);
            TinyModelWriter.WriteModel(Path.Combine(checkpoints, "broken"), TinyModelVariant.Fp32, CopyTokenizer);
            File.Delete(Path.Combine(checkpoints, "broken", "unet", "weights.pb"));
            Directory.CreateDirectory(Path.Combine(root, "models", "Lora"));
            File.WriteAllText(Path.Combine(root, "models", "Lora", "style.safetensors"), "x");
            File.WriteAllText(Path.Combine(root, "models", "Lora", "evil.ckpt"), "x");
        });

        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/api/models"));
        var models = doc.RootElement.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(["broken", "demo"], models.Keys.Order(StringComparer.Ordinal));

        var demo = models["demo"];
        Assert.Equal(JsonValueKind.Null, demo.GetProperty("error").ValueKind);
        Assert.Matches("^[0-9a-f]{10}$", demo.GetProperty("hash").GetString());
        Assert.Equal("fp32", demo.GetProperty("precision").GetString());
        Assert.Equal("unknown", demo.GetProperty("sdVersion").GetString());
        Assert.Equal("epsilon", demo.GetProperty("predictionType").GetString());
        Assert.Equal(0.18215, demo.GetProperty("latentScale").GetDouble(), 5);
        Assert.Equal(32, demo.GetProperty("textHiddenSize").GetInt32()); // the tiny kit's CLIP width
        Assert.True(demo.GetProperty("inpainting").GetBoolean());
        Assert.Contains("unet", demo.GetProperty("components").EnumerateArray().Select(c => c.GetString()));

        var error = models["broken"].GetProperty("error").GetString();
        Assert.Contains("weights.pb", error, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("current").ValueKind);
        Assert.Equal(["style"], doc.RootElement.GetProperty("loras").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task Refresh_picks_up_a_model_written_after_start()
    {
        await using var server = await LoopbackServer.StartAsync();
        using (var before = JsonDocument.Parse(await server.Client.GetStringAsync("/api/models")))
        {
            Assert.Empty(before.RootElement.GetProperty("models").EnumerateArray());
        }

        TinyModelWriter.WriteModel(Path.Combine(server.ModelsDir, "Stable-diffusion", "late"), TinyModelVariant.VPrediction, CopyTokenizer);
        var response = await server.Client.PostAsync("/api/models/refresh", null);
        response.EnsureSuccessStatusCode();
        var after = await response.Content.ReadFromJsonAsync<JsonElement>();
        var model = Assert.Single(after.GetProperty("models").EnumerateArray());
        Assert.Equal("late", model.GetProperty("name").GetString());
        Assert.Equal("v_prediction", model.GetProperty("predictionType").GetString());
    }

    [Fact]
    public async Task Models_demo_verb_writes_a_loadable_model_and_refuses_unsafe_or_existing_names()
    {
        await using var server = await LoopbackServer.StartAsync();
        var verbs = server.Services.GetRequiredService<VerbDispatcher>();
        var output = new StringWriter();

        Assert.Equal(0, await verbs.RunAsync(["models", "demo", "tiny", "--variant", "fp16"], output, CancellationToken.None));
        var folder = Path.Combine(server.ModelsDir, "Stable-diffusion", "tiny");
        Assert.True(File.Exists(Path.Combine(folder, "tokenizer", "vocab.json")));
        Assert.Equal(WebDiffusion.Onnx.TensorElementType.Float16,
            WebDiffusion.Onnx.ModelWriter.OnnxModelInspector.ReadSignature(Path.Combine(folder, "unet", "model.onnx")).FindInput("sample")!.ElementType);

        Assert.Equal(2, await verbs.RunAsync(["models", "demo", "tiny"], output, CancellationToken.None));
        Assert.Contains("--force", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await verbs.RunAsync(["models", "demo", "tiny", "--variant", "analytic", "--force"], output, CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(folder, AnalyticModelParameters.FileName)));

        foreach (var bad in new[] { "../escape", "a/b", "..", "x..y" })
        {
            Assert.Equal(2, await verbs.RunAsync(["models", "demo", bad], output, CancellationToken.None));
        }

        Assert.False(Directory.Exists(Path.Combine(server.ModelsDir, "escape")));
        Assert.Equal(2, await verbs.RunAsync(["models", "demo", "y", "--variant", "fp8"], output, CancellationToken.None));

        var list = new StringWriter();
        Assert.Equal(0, await verbs.RunAsync(["models", "list"], list, CancellationToken.None));
        Assert.Contains("tiny [", list.ToString(), StringComparison.Ordinal);
    }
}
