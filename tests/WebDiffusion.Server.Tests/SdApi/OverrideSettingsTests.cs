using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebDiffusion.ModelKit;
using WebDiffusion.Server.Tests.Infrastructure;
using WebDiffusion.Server.Tests.Jobs;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary><c>override_settings</c>: the checkpoint override runs the job on that model; keys we would ignore silently are refused.</summary>
public class OverrideSettingsTests
{
    [Fact]
    public async Task Sd_model_checkpoint_runs_the_job_on_that_model_and_leaves_the_selection_unchanged()
    {
        await using var server = await StartWithTwoModelsAsync();
        var (alphaTitle, _) = await ModelAsync(server, "alpha");
        var (betaTitle, betaHash) = await ModelAsync(server, "beta");
        await SelectAsync(server, alphaTitle);

        foreach (var name in new[] { betaTitle, "beta", betaHash })
        {
            var info = await Txt2ImgInfoAsync(server, new JsonObject { [OverrideKey] = name });
            Assert.Equal("beta", info.GetProperty("sd_model_name").GetString());
            Assert.Contains("Model: beta", info.GetProperty("infotexts")[0].GetString(), StringComparison.Ordinal);
        }

        var options = await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        Assert.Equal(alphaTitle, options.GetProperty("sd_model_checkpoint").GetString());
        var next = await Txt2ImgInfoAsync(server, new JsonObject());
        Assert.Equal("alpha", next.GetProperty("sd_model_name").GetString());
    }

    [Fact]
    public async Task With_restore_afterwards_false_the_checkpoint_becomes_the_selected_model()
    {
        await using var server = await StartWithTwoModelsAsync();
        var (alphaTitle, _) = await ModelAsync(server, "alpha");
        var (betaTitle, _) = await ModelAsync(server, "beta");
        await SelectAsync(server, alphaTitle);

        var info = await Txt2ImgInfoAsync(server, new JsonObject { [OverrideKey] = "beta" }, restoreAfterwards: false);

        Assert.Equal("beta", info.GetProperty("sd_model_name").GetString());
        var options = await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        Assert.Equal(betaTitle, options.GetProperty("sd_model_checkpoint").GetString());
    }

    [Fact]
    public async Task The_native_job_stores_the_resolved_checkpoint_so_a_resumed_job_runs_on_it()
    {
        await using var server = await StartWithTwoModelsAsync();
        var (alphaTitle, _) = await ModelAsync(server, "alpha");
        var (_, betaHash) = await ModelAsync(server, "beta");
        await SelectAsync(server, alphaTitle);

        var id = await JobApi.SubmitAsync(server.Client, new { prompt = "x", steps = 2, width = 64, height = 64, override_settings = new Dictionary<string, object> { [OverrideKey] = betaHash } });
        var job = await JobApi.WaitAsync(server.Client, id, TimeSpan.FromSeconds(60));

        Assert.Equal("done", job.GetProperty("state").GetString());
        Assert.Equal("beta", job.GetProperty("request").GetProperty("model").GetString());
        var image = await server.Client.GetByteArrayAsync(new Uri($"/api/images/{job.GetProperty("imageIds")[0].GetString()}", UriKind.Relative));
        var infotext = Core.Imaging.Png.PngDecoder.Decode(image).Texts.Single(t => t.Keyword == "parameters").Text;
        Assert.Contains("Model: beta", infotext, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_checkpoint_is_refused_naming_the_value_on_both_apis()
    {
        await using var server = await StartWithTwoModelsAsync();
        var body = new JsonObject { ["prompt"] = "x", ["steps"] = 2, ["width"] = 64, ["height"] = 64, ["override_settings"] = new JsonObject { [OverrideKey] = "gamma [0123456789]" } };

        var sdapi = await PostAsync(server, "/sdapi/v1/txt2img", body, HttpStatusCode.UnprocessableEntity);
        var native = await PostAsync(server, "/api/jobs", body, HttpStatusCode.BadRequest);

        Assert.Contains("gamma [0123456789]", sdapi.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("gamma [0123456789]", native.GetProperty("errors").GetProperty("override_settings")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sd_vae", "\"vae-ft-mse-840000.safetensors\"")]
    [InlineData("img2img_color_correction", "true")]
    [InlineData("token_merging_ratio", "0.5")]
    [InlineData("randn_source", "\"XPU\"")]
    [InlineData("CLIP_stop_at_last_layers", "\"two\"")]
    public async Task Settings_that_would_change_the_result_unapplied_are_refused_naming_the_key(string key, string value)
    {
        await using var server = await StartWithTwoModelsAsync();
        var body = JsonNode.Parse($$$"""{"prompt":"x","steps":2,"width":64,"height":64,"override_settings":{"{{{key}}}":{{{value}}},"samples_save":false}}""")!;

        var sdapi = await PostAsync(server, "/sdapi/v1/txt2img", body, HttpStatusCode.UnprocessableEntity);
        var native = await PostAsync(server, "/api/jobs", body, HttpStatusCode.BadRequest);

        Assert.Contains("override_settings." + key, sdapi.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var messages = native.GetProperty("errors").GetProperty("override_settings").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains(messages, m => m.Contains("override_settings." + key, StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains("samples_save", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sampler_text_harmless_and_unknown_keys_are_accepted()
    {
        await using var server = await StartWithTwoModelsAsync();
        var overrides = new JsonObject
        {
            ["s_noise"] = 1.0, ["s_churn"] = 0.5, ["s_tmin"] = 0, ["s_tmax"] = 0, ["eta_ancestral"] = 0.8, ["eta_ddim"] = 0, ["sigma_min"] = 0,
            ["sigma_max"] = 0, ["rho"] = 0, ["emphasis"] = "No norm", ["comma_padding_backtrack"] = 10, ["CLIP_stop_at_last_layers"] = 1,
            ["samples_format"] = "png", ["samples_save"] = false, ["sd_vae"] = "Automatic", ["some_extension_option"] = 3,
        };

        var info = await Txt2ImgInfoAsync(server, overrides);

        Assert.Equal(1, info.GetProperty("infotexts").GetArrayLength());
    }

    private const string OverrideKey = "sd_model_checkpoint";

    private static Task<LoopbackServer> StartWithTwoModelsAsync() => LoopbackServer.StartAsync(prepare: root =>
    {
        DemoModel.Write(root, "alpha");
        DemoModel.Write(root, "beta", TinyModelVariant.Int64Timestep); // another graph, so another hash
    });

    private static async Task<(string Title, string Hash)> ModelAsync(LoopbackServer server, string name)
    {
        var models = await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-models");
        var model = models.EnumerateArray().Single(m => m.GetProperty("model_name").GetString() == name);
        var hash = model.GetProperty("hash").GetString();
        Assert.False(string.IsNullOrEmpty(hash), $"{name} has no hash");
        return (model.GetProperty("title").GetString()!, hash!);
    }

    private static async Task SelectAsync(LoopbackServer server, string title)
    {
        using var response = await server.Client.PostAsJsonAsync("/sdapi/v1/options", new Dictionary<string, object?> { [OverrideKey] = title });
        await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
    }

    private static async Task<JsonElement> Txt2ImgInfoAsync(LoopbackServer server, JsonObject overrides, bool restoreAfterwards = true)
    {
        var body = new JsonObject
        {
            ["prompt"] = "a red house",
            ["steps"] = 2,
            ["width"] = 64,
            ["height"] = 64,
            ["seed"] = 1,
            ["override_settings"] = overrides,
            ["override_settings_restore_afterwards"] = restoreAfterwards,
        };
        var result = await PostAsync(server, "/sdapi/v1/txt2img", body, HttpStatusCode.OK);
        using var info = JsonDocument.Parse(result.GetProperty("info").GetString()!);
        return info.RootElement.Clone();
    }

    private static async Task<JsonElement> PostAsync(LoopbackServer server, string route, JsonNode body, HttpStatusCode expected)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await server.Client.PostAsync(new Uri(route, UriKind.Relative), content);
        return await SdApiFixtures.JsonAsync(response, expected);
    }
}
