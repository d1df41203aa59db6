using WebDiffusion.Server.Tests.Infrastructure;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Tests.SdApi;

public class SdApiOptionsTests
{
    [Fact]
    public async Task Get_options_returns_A1111_keys_with_A1111_defaults()
    {
        await using var server = await LoopbackServer.StartAsync();
        var options = await SdApiFixtures.JsonAsync(await server.Client.GetAsync("/sdapi/v1/options"), HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Null, options.GetProperty("sd_model_checkpoint").ValueKind);
        Assert.Equal(JsonValueKind.Null, options.GetProperty("sd_checkpoint_hash").ValueKind);
        Assert.Equal(1, options.GetProperty("CLIP_stop_at_last_layers").GetInt32());
        Assert.Equal(0, options.GetProperty("eta_noise_seed_delta").GetInt32());
        Assert.Equal(1.0, options.GetProperty("eta_ancestral").GetDouble());
        Assert.Equal(0.0, options.GetProperty("eta_ddim").GetDouble());
        Assert.Equal("GPU", options.GetProperty("randn_source").GetString());
        Assert.Equal("png", options.GetProperty("samples_format").GetString());
        Assert.Equal(string.Empty, options.GetProperty("outdir_samples").GetString());
        Assert.True(options.GetProperty("samples_save").GetBoolean());
        Assert.Equal("Automatic", options.GetProperty("sd_vae").GetString());
        Assert.Equal(10, options.GetProperty("show_progress_every_n_steps").GetInt32());
        Assert.Equal("Original", options.GetProperty("emphasis").GetString());
        Assert.Equal(20, options.GetProperty("comma_padding_backtrack").GetInt32());
        Assert.False(File.Exists(Path.Combine(server.DataDir, SdApiOptionsStore.FileName)));
    }

    [Fact]
    public async Task A_fresh_server_reports_the_model_jobs_run_on_as_sd_model_checkpoint()
    {
        // SillyTavern's /get-model, Open WebUI's get_image_model and webuiapi's util_get_current_model all read
        // GET /sdapi/v1/options["sd_model_checkpoint"] and look the title up in /sdapi/v1/sd-models.
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            DemoModel.Write(root, "alpha");
            DemoModel.Write(root, "beta");
        });
        Assert.Null(server.Services.GetRequiredService<CurrentModelSelection>().Name);

        var options = await SdApiFixtures.JsonAsync(await server.Client.GetAsync(new Uri("/sdapi/v1/options", UriKind.Relative)), HttpStatusCode.OK);
        var models = await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-models");
        var current = options.GetProperty("sd_model_checkpoint").GetString();
        var listed = models.EnumerateArray().Single(m => m.GetProperty("title").GetString() == current);
        Assert.Equal(listed.GetProperty("sha256").GetString(), options.GetProperty("sd_checkpoint_hash").GetString());

        // It is the model a job without a model name runs on.
        var body = new StringContent("""{"prompt": "a cat", "steps": 2, "width": 64, "height": 64, "seed": 1}""", System.Text.Encoding.UTF8, "application/json");
        var result = await SdApiFixtures.JsonAsync(await server.Client.PostAsync(new Uri("/sdapi/v1/txt2img", UriKind.Relative), body), HttpStatusCode.OK);
        using var info = JsonDocument.Parse(result.GetProperty("info").GetString()!);
        Assert.Equal(listed.GetProperty("model_name").GetString(), info.RootElement.GetProperty("sd_model_name").GetString());
        Assert.Equal(listed.GetProperty("hash").GetString(), info.RootElement.GetProperty("sd_model_hash").GetString());
    }

    [Fact]
    public async Task Options_round_trip_and_survive_a_restart_with_the_same_data_dir()
    {
        using var folder = new SdApiFixtures.TempFolder();
        var models = Path.Combine(folder.Path, "models");
        var data = Path.Combine(folder.Path, "data");
        SdApiFixtures.WriteTinyModel(folder.Path, "tiny");
        string[] args = ["--models-dir", models, "--data-dir", data];
        string title;
        await using (var server = await LoopbackServer.StartAsync(args))
        {
            var models0 = await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-models");
            title = Assert.Single(models0.EnumerateArray()).GetProperty("title").GetString()!;
            var response = await server.Client.PostAsJsonAsync("/sdapi/v1/options", new Dictionary<string, object?>
            {
                ["CLIP_stop_at_last_layers"] = 2,
                ["eta_noise_seed_delta"] = 31337,
                ["randn_source"] = "CPU",
                ["emphasis"] = "No norm",
                ["eta_ancestral"] = 0.5,
                ["samples_save"] = false,
                ["sd_model_checkpoint"] = title,
            });
            var body = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
            Assert.Equal(JsonValueKind.Null, body.ValueKind);

            var options = await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
            Assert.Equal(2, options.GetProperty("CLIP_stop_at_last_layers").GetInt32());
            Assert.Equal(title, options.GetProperty("sd_model_checkpoint").GetString());
            Assert.StartsWith(title[^11..^1], options.GetProperty("sd_checkpoint_hash").GetString(), StringComparison.Ordinal);
            Assert.Equal(64, options.GetProperty("sd_checkpoint_hash").GetString()!.Length);
            Assert.Equal("tiny", server.Services.GetRequiredService<CurrentModelSelection>().Name);
        }

        Assert.True(File.Exists(Path.Combine(data, SdApiOptionsStore.FileName)));
        Assert.False(File.Exists(Path.Combine(data, SdApiOptionsStore.FileName + ".tmp")));
        await using (var restarted = await LoopbackServer.StartAsync(args))
        {
            var options = await restarted.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
            Assert.Equal(2, options.GetProperty("CLIP_stop_at_last_layers").GetInt32());
            Assert.Equal(31337, options.GetProperty("eta_noise_seed_delta").GetInt32());
            Assert.Equal("CPU", options.GetProperty("randn_source").GetString());
            Assert.Equal("No norm", options.GetProperty("emphasis").GetString());
            Assert.Equal(0.5, options.GetProperty("eta_ancestral").GetDouble());
            Assert.False(options.GetProperty("samples_save").GetBoolean());
            Assert.Equal(title, options.GetProperty("sd_model_checkpoint").GetString());

            var api = await restarted.Client.GetFromJsonAsync<JsonElement>("/api/models");
            Assert.Equal("tiny", api.GetProperty("current").GetString());
        }
    }

    [Fact]
    public async Task Unknown_keys_are_ignored_and_the_whole_GET_dict_can_be_posted_back()
    {
        await using var server = await LoopbackServer.StartAsync();
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/options", new Dictionary<string, object?>
        {
            ["send_seed"] = false,
            ["some_extension_option"] = new[] { 1, 2 },
            ["eta_ddim"] = 0.25,
            ["outdir_samples"] = "/etc",
        });
        await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);

        var options = await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        Assert.False(options.TryGetProperty("send_seed", out _));
        Assert.False(options.TryGetProperty("some_extension_option", out _));
        Assert.Equal(0.25, options.GetProperty("eta_ddim").GetDouble());
        Assert.Equal(string.Empty, options.GetProperty("outdir_samples").GetString());

        // Clients commonly GET the options, change one, and POST everything back (null model and hash included).
        var echo = await server.Client.PostAsync("/sdapi/v1/options", new StringContent(options.GetRawText(), System.Text.Encoding.UTF8, "application/json"));
        await SdApiFixtures.JsonAsync(echo, HttpStatusCode.OK);
        var stored = await File.ReadAllTextAsync(Path.Combine(server.DataDir, SdApiOptionsStore.FileName));
        Assert.DoesNotContain("send_seed", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("/etc", stored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CLIP_stop_at_last_layers", "\"2\"")]
    [InlineData("CLIP_stop_at_last_layers", "1.5")]
    [InlineData("samples_save", "1")]
    [InlineData("eta_ancestral", "true")]
    [InlineData("randn_source", "\"cuda\"")]
    [InlineData("samples_format", "\"jpg\"")]
    [InlineData("sd_model_checkpoint", "5")]
    public async Task A_wrong_type_or_value_is_422_and_nothing_is_applied(string key, string json)
    {
        await using var server = await LoopbackServer.StartAsync();
        var body = $"{{\"eta_noise_seed_delta\": 7, \"{key}\": {json}}}";
        var response = await server.Client.PostAsync("/sdapi/v1/options", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var error = await SdApiFixtures.JsonAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(key, error.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var options = await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        Assert.Equal(0, options.GetProperty("eta_noise_seed_delta").GetInt32());
    }

    [Fact]
    public async Task An_unknown_checkpoint_is_404_and_a_name_or_hash_selects_the_model()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => SdApiFixtures.WriteTinyModel(root, "tiny"));
        var missing = await server.Client.PostAsJsonAsync("/sdapi/v1/options", new { sd_model_checkpoint = "nope [0123456789]", eta_ddim = 0.5 });
        var error = await SdApiFixtures.JsonAsync(missing, HttpStatusCode.NotFound);
        Assert.Contains("nope", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0.0, (await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options")).GetProperty("eta_ddim").GetDouble());

        await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/sdapi/v1/options", new { sd_model_checkpoint = "tiny" }), HttpStatusCode.OK);
        var title = (await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options")).GetProperty("sd_model_checkpoint").GetString();
        Assert.Matches("^tiny \\[[0-9a-f]{10}\\]$", title);

        await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/sdapi/v1/options", new { sd_model_checkpoint = (string?)null }), HttpStatusCode.OK);
        Assert.Null(server.Services.GetRequiredService<CurrentModelSelection>().Name);

        await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/sdapi/v1/options", new { sd_model_checkpoint = title![^11..^1] }), HttpStatusCode.OK);
        Assert.Equal("tiny", server.Services.GetRequiredService<CurrentModelSelection>().Name);
    }
}
