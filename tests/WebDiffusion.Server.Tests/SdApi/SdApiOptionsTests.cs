using WebDiffusion.Server.Tests.Infrastructure;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
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
            ["api_forbid_local_requests"] = false,
        });
        await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);

        var options = await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options");
        Assert.False(options.GetProperty("send_seed").GetBoolean());
        Assert.False(options.TryGetProperty("some_extension_option", out _));
        Assert.Equal(0.25, options.GetProperty("eta_ddim").GetDouble());
        Assert.Equal(string.Empty, options.GetProperty("outdir_samples").GetString());
        Assert.True(options.GetProperty("api_forbid_local_requests").GetBoolean());

        // Clients commonly GET the options, change one, and POST everything back (null model and hash included).
        var echo = await server.Client.PostAsync("/sdapi/v1/options", new StringContent(options.GetRawText(), System.Text.Encoding.UTF8, "application/json"));
        await SdApiFixtures.JsonAsync(echo, HttpStatusCode.OK);
        var stored = await File.ReadAllTextAsync(Path.Combine(server.DataDir, SdApiOptionsStore.FileName));
        Assert.Contains("send_seed", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("some_extension_option", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("/etc", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A1111s_own_test_options_write_passes()
    {
        // test/test_utils.py::test_options_write, request for request.
        await using var server = await LoopbackServer.StartAsync();
        var url = new Uri("/sdapi/v1/options", UriKind.Relative);
        using var first = await server.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var preValue = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("send_seed").GetBoolean();
        using (var set = await server.Client.PostAsJsonAsync(url, new { send_seed = !preValue }))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        using var second = await server.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(!preValue, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("send_seed").GetBoolean());
        using var restore = await server.Client.PostAsJsonAsync(url, new { send_seed = preValue });
        Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
    }

    [Fact]
    public async Task Every_A1111_option_is_read_with_its_default_and_a_changed_value_round_trips_through_a_restart()
    {
        using var folder = new SdApiFixtures.TempFolder();
        string[] args = ["--models-dir", Path.Combine(folder.Path, "models"), "--data-dir", Path.Combine(folder.Path, "data")];
        var catalog = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "src", "WebDiffusion.Server", "SdApi", "Data", "a1111-options.json")))!.AsObject();
        Assert.True(catalog.Count > 250, $"only {catalog.Count} options in the catalog");
        foreach (var key in new[] { "send_seed", "send_size", "quicksettings_list", "sd_vae", "upscaler_for_img2img", "live_previews_image_format", "lora_preferred_name", "hide_samplers" })
        {
            Assert.True(catalog.ContainsKey(key), key);
        }

        // Options that change what we do have their own range tests; the rest are kept as posted.
        var kept = catalog.Where(p => !SdApiOptionCatalog.Behaviour.ContainsKey(p.Key) && !SdApiOptionCatalog.ReadOnlyKeys.Contains(p.Key)).ToList();
        var changed = new JsonObject();
        foreach (var (key, value) in kept)
        {
            changed[key] = (value?.GetValueKind() ?? JsonValueKind.Null) switch
            {
                JsonValueKind.True or JsonValueKind.False => JsonValue.Create(!value!.GetValue<bool>()),
                JsonValueKind.Number => JsonValue.Create(value!.GetValue<double>() + 1.5),
                JsonValueKind.String => JsonValue.Create(value!.GetValue<string>() + "-changed"),
                JsonValueKind.Array => new JsonArray("changed", key),
                _ => JsonValue.Create("R-ESRGAN 4x+"),
            };
        }

        await using (var server = await LoopbackServer.StartAsync(args))
        {
            var defaults = await server.Client.GetFromJsonAsync<JsonObject>("/sdapi/v1/options");
            foreach (var (key, value) in catalog.Where(p => !SdApiOptionCatalog.Behaviour.ContainsKey(p.Key)))
            {
                Assert.True(defaults!.ContainsKey(key), $"GET /sdapi/v1/options has no '{key}'");
                Assert.True(JsonNode.DeepEquals(value, defaults[key]), $"{key}: {defaults[key]?.ToJsonString()} instead of A1111's {value?.ToJsonString()}");
            }

            var set = await server.Client.PostAsync(new Uri("/sdapi/v1/options", UriKind.Relative), new StringContent(changed.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
            await SdApiFixtures.JsonAsync(set, HttpStatusCode.OK);
        }

        await using var restarted = await LoopbackServer.StartAsync(args);
        var read = await restarted.Client.GetFromJsonAsync<JsonObject>("/sdapi/v1/options");
        foreach (var (key, value) in changed)
        {
            Assert.True(JsonNode.DeepEquals(value, read![key]), $"{key}: posted {value?.ToJsonString()}, read back {read![key]?.ToJsonString()}");
        }

        // A value of another type than A1111's default is refused by name, as a wrong type of a typed option is.
        var wrong = await restarted.Client.PostAsync(new Uri("/sdapi/v1/options", UriKind.Relative), new StringContent("{\"send_seed\": \"yes\"}", System.Text.Encoding.UTF8, "application/json"));
        var error = await SdApiFixtures.JsonAsync(wrong, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("send_seed", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
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
