using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary>
/// What A1111 refuses is refused when the request arrives (422 naming the field, nothing queued), never as a job that
/// fails later; what A1111 tolerates (a LoRA whose file is missing) runs. Every 422 has A1111's one shape
/// <c>{error, detail, body, errors}</c>.
/// </summary>
public class SubmitRefusalTests
{
    /// <summary>SillyTavern's generateSDImage payload (public/scripts/extensions/stable-diffusion/index.js) as its server forwards it to /sdapi/v1/txt2img: url and auth included, seed left out when random.</summary>
    private static JsonObject SillyTavernBody(bool enableHr, string hrUpscaler) => new()
    {
        ["url"] = "http://127.0.0.1:7860", ["auth"] = "",
        ["prompt"] = "a small red house, best quality", ["negative_prompt"] = "lowres, bad anatomy",
        ["sampler_name"] = "Euler a", ["scheduler"] = "Automatic", ["steps"] = 2, ["cfg_scale"] = 7, ["width"] = 64, ["height"] = 64,
        ["restore_faces"] = false, ["enable_hr"] = enableHr, ["hr_upscaler"] = hrUpscaler, ["hr_scale"] = 2,
        ["hr_additional_modules"] = new JsonArray(), ["denoising_strength"] = 0.7, ["hr_second_pass_steps"] = 2, ["seed"] = 5,
        ["override_settings"] = new JsonObject { ["CLIP_stop_at_last_layers"] = 1 }, ["override_settings_restore_afterwards"] = true,
        ["clip_skip"] = 1, ["save_images"] = true, ["send_images"] = true, ["do_not_save_grid"] = false, ["do_not_save_samples"] = false,
    };

    /// <summary>webuiapi's WebUIApi.txt2img payload with its defaults (sampler "Euler a", 20 steps lowered to 2, 64 px).</summary>
    private static JsonObject WebuiapiBody(string prompt) => new()
    {
        ["enable_hr"] = false, ["hr_scale"] = 2, ["hr_upscaler"] = "Latent", ["hr_second_pass_steps"] = 0, ["hr_resize_x"] = 0,
        ["hr_resize_y"] = 0, ["denoising_strength"] = 0.7, ["firstphase_width"] = 0, ["firstphase_height"] = 0, ["prompt"] = prompt,
        ["styles"] = new JsonArray(), ["seed"] = 1234, ["subseed"] = -1, ["subseed_strength"] = 0.0, ["seed_resize_from_h"] = 0,
        ["seed_resize_from_w"] = 0, ["batch_size"] = 1, ["n_iter"] = 1, ["steps"] = 2, ["cfg_scale"] = 7.0, ["width"] = 64, ["height"] = 64,
        ["restore_faces"] = false, ["tiling"] = false, ["do_not_save_samples"] = false, ["do_not_save_grid"] = false,
        ["negative_prompt"] = "", ["eta"] = 1.0, ["s_churn"] = 0, ["s_tmax"] = 0, ["s_tmin"] = 0, ["s_noise"] = 1,
        ["override_settings"] = new JsonObject(), ["override_settings_restore_afterwards"] = true, ["sampler_name"] = "Euler a",
        ["sampler_index"] = "Euler a", ["script_name"] = null, ["script_args"] = new JsonArray(), ["send_images"] = true,
        ["save_images"] = false, ["alwayson_scripts"] = new JsonObject(),
    };

    private static Task<HttpResponseMessage> PostAsync(LoopbackServer server, string route, JsonObject body) =>
        server.Client.PostAsync(new Uri(route, UriKind.Relative), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    private static async Task<int> JobCountAsync(LoopbackServer server)
    {
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/jobs", UriKind.Relative)));
        return doc.RootElement.GetProperty("total").GetInt32();
    }

    /// <summary>Asserts A1111's error shape and returns the messages for <paramref name="field"/>.</summary>
    internal static async Task<string[]> A1111ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var error = await SdApiFixtures.JsonAsync(response, status);
        Assert.Equal(["error", "detail", "body", "errors"], error.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, error.GetProperty("error").ValueKind);
        Assert.Equal(JsonValueKind.Null, error.GetProperty("body").ValueKind);
        var messages = error.GetProperty("errors").GetProperty(field).EnumerateArray().Select(m => m.GetString()!).ToArray();
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.Contains(m, error.GetProperty("detail").GetString(), StringComparison.Ordinal));
        return messages;
    }

    [Fact]
    public async Task An_unknown_hr_upscaler_is_422_naming_it_when_hires_fix_runs_and_nothing_is_queued()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        using var refused = await PostAsync(server, "/sdapi/v1/txt2img", SillyTavernBody(enableHr: true, "R-ESRGAN 4x+"));
        var messages = await A1111ErrorAsync(refused, HttpStatusCode.UnprocessableEntity, "hr_upscaler");
        Assert.Contains("'R-ESRGAN 4x+'", messages[0], StringComparison.Ordinal);
        Assert.Contains("Latent (nearest-exact)", messages[0], StringComparison.Ordinal);
        Assert.Equal(0, await JobCountAsync(server));

        // The native API refuses it the same way.
        var native = new JsonObject { ["mode"] = "txt2img", ["prompt"] = "x", ["steps"] = 2, ["width"] = 64, ["height"] = 64, ["enable_hr"] = true, ["hr_upscaler"] = "4x-UltraSharp" };
        using var nativeRefused = await PostAsync(server, "/api/jobs", native);
        Assert.Equal(HttpStatusCode.BadRequest, nativeRefused.StatusCode);
        Assert.Contains("4x-UltraSharp", await nativeRefused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await JobCountAsync(server));

        // A1111 looks at the name only when hires fix runs: SillyTavern sends its stored choice with enable_hr false too.
        using var ignored = await PostAsync(server, "/sdapi/v1/txt2img", SillyTavernBody(enableHr: false, "R-ESRGAN 4x+"));
        await SdApiFixtures.JsonAsync(ignored, HttpStatusCode.OK);
        using var latent = await PostAsync(server, "/sdapi/v1/txt2img", SillyTavernBody(enableHr: true, "Latent (bicubic antialiased)"));
        var result = await SdApiFixtures.JsonAsync(latent, HttpStatusCode.OK);
        var image = PngDecoder.Decode(Convert.FromBase64String(result.GetProperty("images")[0].GetString()!)).Image;
        Assert.Equal((128, 128), (image.Width, image.Height));
    }

    [Fact]
    public async Task A_lora_tag_whose_file_is_missing_is_skipped_as_A1111_skips_it_and_the_infotext_keeps_it()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        using var plain = await PostAsync(server, "/sdapi/v1/txt2img", WebuiapiBody("a cat in a hat"));
        var plainResult = await SdApiFixtures.JsonAsync(plain, HttpStatusCode.OK);
        using var tagged = await PostAsync(server, "/sdapi/v1/txt2img", WebuiapiBody("a cat in a hat <lora:missing_style:0.8> <hypernet:old:1>"));
        var taggedResult = await SdApiFixtures.JsonAsync(tagged, HttpStatusCode.OK);

        static byte[] Pixels(JsonElement result) =>
            PngDecoder.Decode(Convert.FromBase64String(result.GetProperty("images")[0].GetString()!)).Image.Pixels.ToArray();
        Assert.Equal(Pixels(plainResult), Pixels(taggedResult));
        using var info = JsonDocument.Parse(taggedResult.GetProperty("info").GetString()!);
        Assert.StartsWith("a cat in a hat <lora:missing_style:0.8> <hypernet:old:1>", info.RootElement.GetProperty("infotexts")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(1234, info.RootElement.GetProperty("seed").GetInt64());
    }

    [Theory]
    [InlineData("script_name", "\"X/Y/Z plot\"")]
    [InlineData("restore_faces", "true")]
    [InlineData("alwayson_scripts", "{\"ControlNet\": {\"args\": []}}")]
    public async Task Unsupported_fields_are_422_in_the_same_shape_as_validation_errors(string field, string json)
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var body = WebuiapiBody("a cat");
        body[field] = JsonNode.Parse(json);
        using var unsupported = await PostAsync(server, "/sdapi/v1/txt2img", body);
        await A1111ErrorAsync(unsupported, HttpStatusCode.UnprocessableEntity, field);

        var invalid = WebuiapiBody("a cat");
        invalid["steps"] = 100000;
        using var validation = await PostAsync(server, "/sdapi/v1/txt2img", invalid);
        await A1111ErrorAsync(validation, HttpStatusCode.UnprocessableEntity, "steps");

        using var options = await server.Client.PostAsync(
            new Uri("/sdapi/v1/options", UriKind.Relative), new StringContent("{\"CLIP_stop_at_last_layers\": \"two\"}", Encoding.UTF8, "application/json"));
        await A1111ErrorAsync(options, HttpStatusCode.UnprocessableEntity, "CLIP_stop_at_last_layers");

        using var badJson = await server.Client.PostAsync(new Uri("/sdapi/v1/txt2img", UriKind.Relative), new StringContent("{\"prompt\": ", Encoding.UTF8, "application/json"));
        await A1111ErrorAsync(badJson, HttpStatusCode.UnprocessableEntity, "body");
        Assert.Equal(0, await JobCountAsync(server));
    }
}
