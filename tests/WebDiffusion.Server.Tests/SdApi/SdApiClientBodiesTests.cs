using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary>
/// The bodies real clients send, field for field: A1111's own API test (test/test_img2img.py: booleans where the
/// schema says integers, mask null) and webuiapi's img2img (image_cfg_scale on every call).
/// </summary>
public class SdApiClientBodiesTests
{
    private static string Png(byte value) => Convert.ToBase64String(PngEncoder.Encode(RgbaImage.Filled(64, 64, value, value, value)));

    private static JsonObject A1111TestBody() => new()
    {
        ["batch_size"] = 1, ["cfg_scale"] = 7, ["denoising_strength"] = 0.75, ["eta"] = 0, ["height"] = 64,
        ["include_init_images"] = false, ["init_images"] = new JsonArray(Png(128)), ["inpaint_full_res"] = false,
        ["inpaint_full_res_padding"] = 0, ["inpainting_fill"] = 0, ["inpainting_mask_invert"] = false, ["mask"] = null,
        ["mask_blur"] = 4, ["n_iter"] = 1, ["negative_prompt"] = "", ["override_settings"] = new JsonObject(),
        ["prompt"] = "example prompt", ["resize_mode"] = 0, ["restore_faces"] = false, ["s_churn"] = 0, ["s_noise"] = 1,
        ["s_tmax"] = 0, ["s_tmin"] = 0, ["sampler_index"] = "Euler a", ["seed"] = -1, ["seed_resize_from_h"] = -1,
        ["seed_resize_from_w"] = -1, ["steps"] = 3, ["styles"] = new JsonArray(), ["subseed"] = -1, ["subseed_strength"] = 0,
        ["tiling"] = false, ["width"] = 64,
    };

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task A1111s_own_img2img_test_bodies_are_answered_200(bool masked, bool inverted)
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var body = A1111TestBody();
        if (masked)
        {
            body["mask"] = Png(255);
            body["inpainting_mask_invert"] = inverted;
        }

        using var response = await PostAsync(server, body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var doc = JsonDocument.Parse(text);
        var image = PngDecoder.Decode(Convert.FromBase64String(doc.RootElement.GetProperty("images")[0].GetString()!)).Image;
        Assert.Equal((64, 64), (image.Width, image.Height));
        if (masked && inverted)
        {
            // An all-white mask inverted masks nothing: the picture comes back as it went in.
            Assert.All(Enumerable.Range(0, 64 * 64), i => Assert.Equal(128, image.Pixels[i * 4]));
        }
    }

    [Fact]
    public async Task Webuiapis_image_cfg_scale_is_accepted_and_does_not_change_the_image()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var plain = A1111TestBody();
        plain["seed"] = 1234;
        var withImageCfg = A1111TestBody();
        withImageCfg["seed"] = 1234;
        withImageCfg["image_cfg_scale"] = 1.5;

        using var first = await PostAsync(server, plain);
        using var second = await PostAsync(server, withImageCfg);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await FirstImageAsync(first), await FirstImageAsync(second));
    }

    private static Task<HttpResponseMessage> PostAsync(LoopbackServer server, JsonObject body) =>
        server.Client.PostAsync(new Uri("/sdapi/v1/img2img", UriKind.Relative), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    private static async Task<string> FirstImageAsync(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("images")[0].GetString()!;
    }
}
