using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary>
/// Fields A1111 1.10 reads that we used to drop silently: <c>initial_noise_multiplier</c> (img2img) and <c>hr_scheduler</c>
/// work; <c>hr_checkpoint_name</c> naming another checkpoint is refused by name.
/// </summary>
public class HiresAndNoiseFieldsTests
{
    private static string Png(byte value) => Convert.ToBase64String(PngEncoder.Encode(RgbaImage.Filled(64, 64, value, (byte)(255 - value), 90)));

    /// <summary>A1111's img2img request as its API test sends it (test/test_img2img.py), with the multiplier when given.</summary>
    private static JsonObject Img2Img(double? multiplier)
    {
        var body = new JsonObject
        {
            ["batch_size"] = 1, ["cfg_scale"] = 7, ["denoising_strength"] = 0.75, ["eta"] = 0, ["height"] = 64, ["include_init_images"] = false,
            ["init_images"] = new JsonArray(Png(200)), ["inpaint_full_res"] = false, ["inpaint_full_res_padding"] = 0, ["inpainting_fill"] = 0,
            ["inpainting_mask_invert"] = false, ["mask"] = null, ["mask_blur"] = 4, ["n_iter"] = 1, ["negative_prompt"] = "",
            ["override_settings"] = new JsonObject(), ["prompt"] = "example prompt", ["resize_mode"] = 0, ["restore_faces"] = false,
            ["s_churn"] = 0, ["s_noise"] = 1, ["s_tmax"] = 0, ["s_tmin"] = 0, ["sampler_index"] = "Euler a", ["seed"] = 77,
            ["seed_resize_from_h"] = -1, ["seed_resize_from_w"] = -1, ["steps"] = 4, ["styles"] = new JsonArray(), ["subseed"] = -1,
            ["subseed_strength"] = 0, ["tiling"] = false, ["width"] = 64,
        };
        if (multiplier is { } m)
        {
            body["initial_noise_multiplier"] = m;
        }

        return body;
    }

    /// <summary>A1111's txt2img hires test body (test/test_txt2img.py, enable_hr) with the hires fields under test.</summary>
    private static JsonObject Hires(Action<JsonObject>? change = null)
    {
        var body = new JsonObject
        {
            ["batch_size"] = 1, ["cfg_scale"] = 7, ["denoising_strength"] = 0.7, ["enable_hr"] = true, ["hr_scale"] = 2, ["hr_upscaler"] = "Latent",
            ["hr_second_pass_steps"] = 4, ["height"] = 64, ["n_iter"] = 1, ["negative_prompt"] = "", ["prompt"] = "example prompt",
            ["sampler_index"] = "Euler", ["scheduler"] = "Automatic", ["seed"] = 9, ["steps"] = 4, ["width"] = 64,
        };
        change?.Invoke(body);
        return body;
    }

    private static async Task<(byte[] Pixels, string Infotext)> GenerateAsync(LoopbackServer server, string route, JsonObject body)
    {
        using var response = await server.Client.PostAsync(new Uri(route, UriKind.Relative), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var result = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
        using var info = JsonDocument.Parse(result.GetProperty("info").GetString()!);
        var image = PngDecoder.Decode(Convert.FromBase64String(result.GetProperty("images")[0].GetString()!)).Image;
        return (image.Pixels.ToArray(), info.RootElement.GetProperty("infotexts")[0].GetString()!);
    }

    [Fact]
    public async Task Initial_noise_multiplier_scales_img2img_noise_from_the_field_or_the_option_and_is_written_as_A1111_writes_it()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var plain = await GenerateAsync(server, "/sdapi/v1/img2img", Img2Img(null));
        var one = await GenerateAsync(server, "/sdapi/v1/img2img", Img2Img(1.0));
        var half = await GenerateAsync(server, "/sdapi/v1/img2img", Img2Img(0.5));

        Assert.Equal(plain.Pixels, one.Pixels);
        Assert.DoesNotContain("Noise multiplier", plain.Infotext, StringComparison.Ordinal);
        Assert.NotEqual(plain.Pixels, half.Pixels);
        Assert.Contains("Noise multiplier: 0.5", half.Infotext, StringComparison.Ordinal);

        // The stored option does the same; the request field wins over it.
        using (var set = await server.Client.PostAsync(new Uri("/sdapi/v1/options", UriKind.Relative), new StringContent("{\"initial_noise_multiplier\": 0.5}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        var fromOption = await GenerateAsync(server, "/sdapi/v1/img2img", Img2Img(null));
        Assert.Equal(half.Pixels, fromOption.Pixels);
        Assert.Equal(plain.Pixels, (await GenerateAsync(server, "/sdapi/v1/img2img", Img2Img(1.0))).Pixels);

        // txt2img has no initial-noise multiplier in A1111.
        var txt = Hires(b => b["enable_hr"] = false);
        var txtPlain = await GenerateAsync(server, "/sdapi/v1/txt2img", txt);
        Assert.DoesNotContain("Noise multiplier", txtPlain.Infotext, StringComparison.Ordinal);

        using var outOfRange = await server.Client.PostAsync(
            new Uri("/sdapi/v1/img2img", UriKind.Relative), new StringContent(Img2Img(2.0).ToJsonString(), Encoding.UTF8, "application/json"));
        await SubmitRefusalTests.A1111ErrorAsync(outOfRange, HttpStatusCode.UnprocessableEntity, "initial_noise_multiplier");
    }

    [Fact]
    public async Task Hr_scheduler_picks_the_hires_pass_schedule_and_an_unknown_one_is_refused_by_name()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var same = await GenerateAsync(server, "/sdapi/v1/txt2img", Hires());
        var sameNamed = await GenerateAsync(server, "/sdapi/v1/txt2img", Hires(b => b["hr_scheduler"] = "Use same scheduler"));
        var karras = await GenerateAsync(server, "/sdapi/v1/txt2img", Hires(b => b["hr_scheduler"] = "Karras"));

        Assert.Equal(same.Pixels, sameNamed.Pixels);
        Assert.DoesNotContain("Hires schedule type", same.Infotext, StringComparison.Ordinal);
        Assert.NotEqual(same.Pixels, karras.Pixels);
        Assert.Contains("Hires schedule type: Karras", karras.Infotext, StringComparison.Ordinal);

        using var unknown = await server.Client.PostAsync(
            new Uri("/sdapi/v1/txt2img", UriKind.Relative), new StringContent(Hires(b => b["hr_scheduler"] = "Zigzag").ToJsonString(), Encoding.UTF8, "application/json"));
        var messages = await SubmitRefusalTests.A1111ErrorAsync(unknown, HttpStatusCode.UnprocessableEntity, "hr_scheduler");
        Assert.Contains("'Zigzag'", messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hr_checkpoint_name_on_another_checkpoint_is_refused_and_the_same_checkpoint_runs()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            DemoModel.Write(root, "alpha");
            DemoModel.Write(root, "beta");
        });
        var options = await SdApiFixtures.JsonAsync(await server.Client.GetAsync(new Uri("/sdapi/v1/options", UriKind.Relative)), HttpStatusCode.OK);
        var current = options.GetProperty("sd_model_checkpoint").GetString()!;
        var other = current.StartsWith("alpha", StringComparison.Ordinal) ? "beta" : "alpha";

        using var refused = await server.Client.PostAsync(
            new Uri("/sdapi/v1/txt2img", UriKind.Relative), new StringContent(Hires(b => b["hr_checkpoint_name"] = other).ToJsonString(), Encoding.UTF8, "application/json"));
        var messages = await SubmitRefusalTests.A1111ErrorAsync(refused, HttpStatusCode.UnprocessableEntity, "hr_checkpoint_name");
        Assert.Contains($"'{other}'", messages[0], StringComparison.Ordinal);

        var plain = await GenerateAsync(server, "/sdapi/v1/txt2img", Hires());
        Assert.Equal(plain.Pixels, (await GenerateAsync(server, "/sdapi/v1/txt2img", Hires(b => b["hr_checkpoint_name"] = "Use same checkpoint"))).Pixels);
        Assert.Equal(plain.Pixels, (await GenerateAsync(server, "/sdapi/v1/txt2img", Hires(b => b["hr_checkpoint_name"] = current))).Pixels);
    }
}
