using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary>Bodies as A1111's own tests and the webuiapi client send them.</summary>
public class SdApiGenerationTests
{
    [Fact]
    public async Task Txt2img_answers_in_a1111_shape()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        // webuiapi's txt2img body (subset with its defaults).
        var body = new
        {
            enable_hr = false,
            denoising_strength = 0.7,
            hr_scale = 2,
            hr_upscaler = "Latent",
            prompt = "a lighthouse at dusk",
            styles = Array.Empty<string>(),
            seed = 777,
            subseed = -1,
            subseed_strength = 0.0,
            seed_resize_from_h = 0,
            seed_resize_from_w = 0,
            sampler_name = "Euler a",
            batch_size = 2,
            n_iter = 1,
            steps = 4,
            cfg_scale = 7.0,
            width = 64,
            height = 64,
            restore_faces = false,
            tiling = false,
            do_not_save_samples = false,
            do_not_save_grid = false,
            negative_prompt = "",
            eta = 1.0,
            s_churn = 0,
            s_tmax = 0,
            s_tmin = 0,
            s_noise = 1,
            override_settings = new Dictionary<string, object>(),
            override_settings_restore_afterwards = true,
            script_args = Array.Empty<object>(),
            sampler_index = "Euler a",
            script_name = (string?)null,
            send_images = true,
            save_images = false,
            alwayson_scripts = new Dictionary<string, object>(),
        };

        using var response = await server.Client.PostAsJsonAsync(new Uri("/sdapi/v1/txt2img", UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var doc = JsonDocument.Parse(text);
        var images = doc.RootElement.GetProperty("images").EnumerateArray().Select(e => PngDecoder.Decode(Convert.FromBase64String(e.GetString()!))).ToList();
        Assert.Equal(2, images.Count);
        Assert.All(images, i => Assert.Equal(64, i.Image.Width));
        Assert.Equal(777, doc.RootElement.GetProperty("parameters").GetProperty("seed").GetInt32());
        using var info = JsonDocument.Parse(doc.RootElement.GetProperty("info").GetString()!);
        Assert.Equal([777L, 778L], info.RootElement.GetProperty("all_seeds").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal("a lighthouse at dusk", info.RootElement.GetProperty("prompt").GetString());
        Assert.Equal("Euler a", info.RootElement.GetProperty("sampler_name").GetString());
        Assert.Equal(2, info.RootElement.GetProperty("infotexts").GetArrayLength());
        Assert.Contains("Seed: 778", info.RootElement.GetProperty("infotexts")[1].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Img2img_with_mask_answers_with_images_of_the_requested_size()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var init = RgbaImage.Filled(96, 64, 200, 120, 40);
        var mask = RgbaImage.Filled(96, 64, 0, 0, 0);
        for (var y = 16; y < 48; y++)
        {
            mask.Row(y)[(32 * 4)..(64 * 4)].Fill(255);
        }

        var body = new
        {
            init_images = new[] { Convert.ToBase64String(PngEncoder.Encode(init)) },
            mask = "data:image/png;base64," + Convert.ToBase64String(PngEncoder.Encode(mask)),
            prompt = "a cat",
            steps = 4,
            width = 96,
            height = 64,
            denoising_strength = 0.75,
            mask_blur = 4,
            inpainting_fill = 1,
            inpaint_full_res = false,
            sampler_name = "DPM++ 2M",
            include_init_images = false,
        };

        using var response = await server.Client.PostAsJsonAsync(new Uri("/sdapi/v1/img2img", UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var doc = JsonDocument.Parse(text);
        var image = PngDecoder.Decode(Convert.FromBase64String(doc.RootElement.GetProperty("images")[0].GetString()!)).Image;
        Assert.Equal(96, image.Width);
        Assert.Equal(64, image.Height);
        Assert.Equal(init.Pixels.AsSpan(0, 4).ToArray(), image.Pixels.AsSpan(0, 4).ToArray());
        Assert.False(doc.RootElement.GetProperty("parameters").TryGetProperty("init_images", out _));
    }

    [Theory]
    [InlineData("""{"prompt":"x","sampler_name":"Nope"}""", 400)]
    [InlineData("""{"prompt":"x","width":10000,"height":10000}""", 422)]
    [InlineData("""{"prompt":"x","alwayson_scripts":{"controlnet":{"args":[]}}}""", 422)]
    [InlineData("""{"prompt":"x","restore_faces":true}""", 422)]
    public async Task Requests_that_would_silently_change_the_result_are_refused(string json, int status)
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        using var response = await server.Client.PostAsync(new Uri("/sdapi/v1/txt2img", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains("error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"prompt":"x","init_images":["%%% not base64 %%%"]}""", "init_images[0]")]
    [InlineData("""{"prompt":"x","init_images":["data:image/png,iVBORw0KGgo="]}""", "init_images[0]")]
    [InlineData("""{"prompt":"x","init_images":[]}""", "init_images")]
    [InlineData("""{"prompt":"x","init_images":["iVBORw0KGgo="],"mask":"data:image/png;base64,@@"}""", "mask")]
    public async Task Img2img_images_that_are_not_base64_are_refused_with_the_field_named(string json, string field)
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        using var response = await server.Client.PostAsync(new Uri("/sdapi/v1/img2img", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is 400 or 422, text);
        Assert.Contains(field, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/sdapi/v1/txt2img", 422)]
    [InlineData("/api/jobs", 400)]
    public async Task A_body_that_names_a_field_twice_is_refused_not_a_server_error(string path, int status)
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        const string json = """{"mode":"txt2img","prompt":"x","steps":4,"steps":40,"width":64,"height":64}""";
        using var response = await server.Client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Contains("steps", text, StringComparison.Ordinal);
    }
}
