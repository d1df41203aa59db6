using WebDiffusion.Server.Tests.Infrastructure;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Tests.SdApi;

public class SdApiModelListingTests
{
    [Fact]
    public async Task Sd_models_vae_and_loras_have_A1111_fields_and_relative_paths()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            SdApiFixtures.WriteTinyModel(root, "tiny");
            SdApiFixtures.WriteTinyModel(root, "broken");
            File.Delete(Path.Combine(root, "models", "Stable-diffusion", "broken", "unet", "weights.pb"));
            Directory.CreateDirectory(Path.Combine(root, "models", "VAE"));
            File.WriteAllText(Path.Combine(root, "models", "VAE", "vae-ft-mse.safetensors"), "x");
            Directory.CreateDirectory(Path.Combine(root, "models", "Lora", "styles"));
            File.WriteAllText(Path.Combine(root, "models", "Lora", "styles", "ink.safetensors"), "x");
            File.WriteAllText(Path.Combine(root, "models", "Lora", "evil.ckpt"), "x");
        });

        var text = await server.Client.GetStringAsync("/sdapi/v1/sd-models");
        Assert.DoesNotContain(server.TempRoot, text, StringComparison.Ordinal);
        using var models = JsonDocument.Parse(text);
        var model = Assert.Single(models.RootElement.EnumerateArray());
        var hash = model.GetProperty("hash").GetString()!;
        Assert.Matches("^[0-9a-f]{10}$", hash);
        Assert.Equal($"tiny [{hash}]", model.GetProperty("title").GetString());
        Assert.Equal("tiny", model.GetProperty("model_name").GetString());
        Assert.StartsWith(hash, model.GetProperty("sha256").GetString(), StringComparison.Ordinal);
        Assert.Equal("Stable-diffusion/tiny", model.GetProperty("filename").GetString());
        Assert.Equal(JsonValueKind.Null, model.GetProperty("config").ValueKind);

        var vaeText = await server.Client.GetStringAsync("/sdapi/v1/sd-vae");
        Assert.DoesNotContain(server.TempRoot, vaeText, StringComparison.Ordinal);
        var vae = Assert.Single(JsonDocument.Parse(vaeText).RootElement.EnumerateArray());
        Assert.Equal("vae-ft-mse", vae.GetProperty("model_name").GetString());
        Assert.Equal("VAE/vae-ft-mse.safetensors", vae.GetProperty("filename").GetString());

        var loraText = await server.Client.GetStringAsync("/sdapi/v1/loras");
        Assert.DoesNotContain(server.TempRoot, loraText, StringComparison.Ordinal);
        var lora = Assert.Single(JsonDocument.Parse(loraText).RootElement.EnumerateArray());
        Assert.Equal("ink", lora.GetProperty("name").GetString());
        Assert.Equal("ink", lora.GetProperty("alias").GetString());
        Assert.Equal("Lora/styles/ink.safetensors", lora.GetProperty("path").GetString());
        Assert.Equal(JsonValueKind.Object, lora.GetProperty("metadata").ValueKind);
    }

    [Fact]
    public async Task Loras_list_the_alias_and_the_safetensors_metadata_as_A1111()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            var header = "{\"__metadata__\":{\"ss_output_name\":\"inkStyle\",\"ss_network_dim\":\"16\",\"ss_tag_frequency\":\"{\\\"ink\\\": {\\\"pen\\\": 3}}\"},"
                + "\"lora_te_text_model_encoder_layers_0_mlp_fc1.alpha\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}";
            var bytes = System.Text.Encoding.UTF8.GetBytes(header);
            Directory.CreateDirectory(Path.Combine(root, "models", "Lora"));
            using var file = File.Create(Path.Combine(root, "models", "Lora", "ink_v2.safetensors"));
            file.Write(BitConverter.GetBytes((ulong)bytes.Length));
            file.Write(bytes);
            file.Write(BitConverter.GetBytes(8f));
        });

        var lora = Assert.Single((await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/loras")).EnumerateArray());
        Assert.Equal("ink_v2", lora.GetProperty("name").GetString());
        Assert.Equal("inkStyle", lora.GetProperty("alias").GetString());
        var metadata = lora.GetProperty("metadata");
        Assert.Equal("16", metadata.GetProperty("ss_network_dim").GetString());
        Assert.Equal(3, metadata.GetProperty("ss_tag_frequency").GetProperty("ink").GetProperty("pen").GetInt32());
    }

    [Fact]
    public async Task Embeddings_lists_loaded_and_skipped_in_A1111_shape()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            SdApiFixtures.WriteEmbedding(Path.Combine(root, "models", "embeddings", "goodstyle.safetensors"), vectors: 3, dim: 768);
            File.WriteAllText(Path.Combine(root, "models", "embeddings", "pickled.pt"), "x");
        });

        var body = await SdApiFixtures.JsonAsync(await server.Client.GetAsync("/sdapi/v1/embeddings"), HttpStatusCode.OK);
        var good = body.GetProperty("loaded").GetProperty("goodstyle");
        Assert.Equal(768, good.GetProperty("shape").GetInt32());
        Assert.Equal(3, good.GetProperty("vectors").GetInt32());
        foreach (var key in new[] { "step", "sd_checkpoint", "sd_checkpoint_name" })
        {
            Assert.Equal(JsonValueKind.Null, good.GetProperty(key).ValueKind);
        }

        var skipped = body.GetProperty("skipped");
        Assert.True(skipped.TryGetProperty("pickled", out _));
        Assert.False(body.GetProperty("loaded").TryGetProperty("pickled", out _));
    }

    [Fact]
    public async Task Refresh_checkpoints_picks_up_a_new_model_and_refresh_routes_answer_null()
    {
        await using var server = await LoopbackServer.StartAsync();
        Assert.Empty((await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-models")).EnumerateArray());

        SdApiFixtures.WriteTinyModel(server.TempRoot, "late");
        foreach (var route in new[] { "refresh-vae", "refresh-loras", "refresh-embeddings", "refresh-checkpoints" })
        {
            var refreshed = await SdApiFixtures.JsonAsync(await server.Client.PostAsync("/sdapi/v1/" + route, null), HttpStatusCode.OK);
            Assert.Equal(JsonValueKind.Null, refreshed.ValueKind);
        }

        var model = Assert.Single((await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/sd-models")).EnumerateArray());
        Assert.Equal("late", model.GetProperty("model_name").GetString());
    }

    [Fact]
    public async Task Unload_and_reload_flip_the_lifecycle_flag_and_raise_events()
    {
        await using var server = await LoopbackServer.StartAsync();
        var lifecycle = server.Services.GetRequiredService<IModelLifecycle>();
        var seen = new List<ModelLifecycleChange>();
        lifecycle.Changed += (_, change) => seen.Add(change);
        Assert.True(lifecycle.IsLoaded);

        var unloaded = await SdApiFixtures.JsonAsync(await server.Client.PostAsync("/sdapi/v1/unload-checkpoint", null), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Object, unloaded.ValueKind);
        Assert.False(lifecycle.IsLoaded);
        await SdApiFixtures.JsonAsync(await server.Client.PostAsync("/sdapi/v1/reload-checkpoint", null), HttpStatusCode.OK);
        Assert.True(lifecycle.IsLoaded);
        Assert.Equal([ModelLifecycleChange.Unloaded, ModelLifecycleChange.Reloaded], seen);
        Assert.Same(server.Services.GetRequiredService<CurrentModelSelection>(), lifecycle);
    }

    [Fact]
    public async Task Api_models_select_sets_current_and_refuses_unknown_or_broken_models()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            SdApiFixtures.WriteTinyModel(root, "tiny");
            SdApiFixtures.WriteTinyModel(root, "broken");
            File.Delete(Path.Combine(root, "models", "Stable-diffusion", "broken", "unet", "weights.pb"));
        });

        Assert.Equal(JsonValueKind.Null, (await server.Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("current").ValueKind);
        await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/api/models/select", new { name = "nope" }), HttpStatusCode.NotFound);
        await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/api/models/select", new { name = "broken" }), HttpStatusCode.UnprocessableEntity);

        var selected = await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/api/models/select", new { name = "tiny" }), HttpStatusCode.OK);
        Assert.Equal("tiny", selected.GetProperty("current").GetString());
        Assert.Equal("tiny", (await server.Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("current").GetString());
        Assert.StartsWith("tiny [", (await server.Client.GetFromJsonAsync<JsonElement>("/sdapi/v1/options")).GetProperty("sd_model_checkpoint").GetString(),
            StringComparison.Ordinal);

        await SdApiFixtures.JsonAsync(await server.Client.PostAsJsonAsync("/api/models/select", new { name = (string?)null }), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, (await server.Client.GetFromJsonAsync<JsonElement>("/api/models")).GetProperty("current").ValueKind);
    }
}
