using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebDiffusion.Core.Text.Tokenization;
using WebDiffusion.ModelKit;
using WebDiffusion.Server.Tests.Infrastructure;
using WebDiffusion.Server.Tests.SdApi;

namespace WebDiffusion.Server.Tests.Prompt;

/// <summary>
/// The text settings over real HTTP on the demo model: stored and overridden options reach generation, requests the
/// model's text encoder cannot honour are refused at submit, and the token counter counts as generation does.
/// </summary>
public class TextSettingsEndpointTests
{
    private static readonly Uri Txt2Img = new("/sdapi/v1/txt2img", UriKind.Relative);
    private static readonly Uri Jobs = new("/api/jobs", UriKind.Relative);
    private static readonly Uri Options = new("/sdapi/v1/options", UriKind.Relative);
    private static readonly Uri Tokenize = new("/api/prompt/tokenize", UriKind.Relative);

    private static Dictionary<string, object?> Body(string prompt = "a small red house", string negative = "", Dictionary<string, object>? overrides = null) => new()
    {
        ["prompt"] = prompt,
        ["negative_prompt"] = negative,
        ["steps"] = 3,
        ["width"] = 64,
        ["height"] = 64,
        ["seed"] = 5,
        ["sampler_name"] = "Euler",
        ["override_settings"] = overrides ?? [],
    };

    private static async Task<string[]> FieldErrorsAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var root = await SdApiFixtures.JsonAsync(response, status);
        var errors = root.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for {field}: {errors}");
        return [.. messages.EnumerateArray().Select(m => m.GetString()!)];
    }

    private static async Task<string> InfotextAsync(HttpResponseMessage response)
    {
        var root = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
        using var info = JsonDocument.Parse(root.GetProperty("info").GetString()!);
        return info.RootElement.GetProperty("infotexts")[0].GetString()!;
    }

    [Fact]
    public async Task Clip_skip_above_1_is_refused_at_submit_from_every_source_and_names_the_field()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));

        var native = await FieldErrorsAsync(await server.Client.PostAsJsonAsync(Jobs, new { prompt = "a house", steps = 3, width = 64, height = 64, clip_skip = 2 }),
            HttpStatusCode.BadRequest, "clip_skip");
        Assert.Contains("no hidden-state outputs", Assert.Single(native), StringComparison.Ordinal);

        var overridden = await FieldErrorsAsync(await server.Client.PostAsJsonAsync(Txt2Img, Body(overrides: new() { ["CLIP_stop_at_last_layers"] = 2 })),
            HttpStatusCode.UnprocessableEntity, "override_settings.CLIP_stop_at_last_layers");
        Assert.Contains("model 'tiny' cannot do clip skip", Assert.Single(overridden), StringComparison.Ordinal);

        (await server.Client.PostAsJsonAsync(Options, new Dictionary<string, object> { ["CLIP_stop_at_last_layers"] = 3 })).EnsureSuccessStatusCode();
        var stored = await FieldErrorsAsync(await server.Client.PostAsJsonAsync(Txt2Img, Body()), HttpStatusCode.UnprocessableEntity, "CLIP_stop_at_last_layers");
        Assert.Contains("/sdapi/v1/options", Assert.Single(stored), StringComparison.Ordinal);

        // override_settings beats the stored option: clip skip 1 runs.
        var infotext = await InfotextAsync(await server.Client.PostAsJsonAsync(Txt2Img, Body(overrides: new() { ["CLIP_stop_at_last_layers"] = 1 })));
        Assert.DoesNotContain("Clip skip", infotext, StringComparison.Ordinal);
        using var jobs = await server.Client.GetAsync(Jobs);
        var list = await SdApiFixtures.JsonAsync(jobs, HttpStatusCode.OK);
        Assert.Equal(1, list.GetProperty("total").GetInt32()); // the refused requests never became jobs
    }

    [Fact]
    public async Task Textual_inversion_in_a_prompt_is_refused_at_submit_when_the_export_lacks_inputs_embeds()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            DemoModel.Write(root);
            SdApiFixtures.WriteEmbedding(Path.Combine(root, "models", "embeddings", "zzstyle.safetensors"), vectors: 2, dim: TinyModelWriter.TextHiddenSize);
        });

        var prompt = await FieldErrorsAsync(await server.Client.PostAsJsonAsync(Jobs, new { prompt = "a house, zzstyle", steps = 3, width = 64, height = 64 }),
            HttpStatusCode.BadRequest, "prompt");
        Assert.Contains("'zzstyle'", prompt[0], StringComparison.Ordinal);
        Assert.Contains("no inputs_embeds input", prompt[0], StringComparison.Ordinal);

        var negative = await FieldErrorsAsync(await server.Client.PostAsJsonAsync(Txt2Img, Body(negative: "blurry [zzstyle|ugly]")),
            HttpStatusCode.UnprocessableEntity, "negative_prompt");
        Assert.Contains("'zzstyle'", Assert.Single(negative), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Negative_prompt_with_and_runs_and_emphasis_comes_from_stored_options_or_override()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));

        var plain = await InfotextAsync(await server.Client.PostAsJsonAsync(Txt2Img, Body("a (red:1.4) house", "cat AND dog :0.5")));
        Assert.Contains("Negative prompt: cat AND dog :0.5", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("Emphasis", plain, StringComparison.Ordinal);

        (await server.Client.PostAsJsonAsync(Options, new Dictionary<string, object> { ["emphasis"] = "No norm" })).EnsureSuccessStatusCode();
        Assert.Contains("Emphasis: No norm", await InfotextAsync(await server.Client.PostAsJsonAsync(Txt2Img, Body("a (red:1.4) house"))), StringComparison.Ordinal);
        Assert.Contains("Emphasis: Ignore", await InfotextAsync(await server.Client.PostAsJsonAsync(Txt2Img, Body("a (red:1.4) house", overrides: new() { ["emphasis"] = "Ignore" }))),
            StringComparison.Ordinal);

        var bad = await FieldErrorsAsync(await server.Client.PostAsJsonAsync(Txt2Img, Body(overrides: new() { ["emphasis"] = "Loud" })),
            HttpStatusCode.UnprocessableEntity, "override_settings");
        var message = Assert.Single(bad);
        Assert.Contains("'emphasis'", message, StringComparison.Ordinal);
        Assert.Contains("No norm", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_counter_uses_the_embeddings_and_stored_options_of_generation()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            DemoModel.Write(root);
            SdApiFixtures.WriteEmbedding(Path.Combine(root, "models", "embeddings", "zzstyle.safetensors"), vectors: 3, dim: TinyModelWriter.TextHiddenSize);
        });

        async Task<JsonElement> CountAsync(object body) => await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync(Tokenize, body), HttpStatusCode.OK);

        // The trigger word occupies its 3 vectors (slots hold id 0), not its BPE tokens.
        var embedded = await CountAsync(new { prompt = "a zzstyle" });
        Assert.Equal(4, embedded.GetProperty("tokenCount").GetInt32());
        Assert.Equal([49406, 320, 0, 0, 0, 49407], embedded.GetProperty("chunks")[0].GetProperty("ids").EnumerateArray().Take(6).Select(e => e.GetInt32()));

        // A negative prompt is not split on AND.
        Assert.Equal(1, (await CountAsync(new { prompt = "cat AND dog" })).GetProperty("tokenCount").GetInt32());
        Assert.Equal(3, (await CountAsync(new { prompt = "cat AND dog", negative = true })).GetProperty("tokenCount").GetInt32());

        var longPrompt = string.Join(' ', Enumerable.Repeat("house", 70)) + ", " + string.Join(' ', Enumerable.Repeat("tree", 10));
        Assert.Equal(71, (await CountAsync(new { prompt = longPrompt })).GetProperty("chunks")[0].GetProperty("ids").EnumerateArray().Skip(1).TakeWhile(i => i.GetInt32() != 49407).Count());
        (await server.Client.PostAsJsonAsync(Options, new Dictionary<string, object> { ["comma_padding_backtrack"] = 0, ["emphasis"] = "None" })).EnsureSuccessStatusCode();
        Assert.Equal(75, (await CountAsync(new { prompt = longPrompt })).GetProperty("chunks")[0].GetProperty("ids").EnumerateArray().Skip(1).TakeWhile(i => i.GetInt32() != 49407).Count());
        var literal = await CountAsync(new { prompt = "(cat:1.5)" });
        Assert.All(literal.GetProperty("chunks")[0].GetProperty("weights").EnumerateArray(), w => Assert.Equal(1f, w.GetSingle()));
        Assert.Equal(ClipTokenizer.Default.Encode("(cat:1.5)").Length, literal.GetProperty("tokenCount").GetInt32()); // brackets are text
    }
}
