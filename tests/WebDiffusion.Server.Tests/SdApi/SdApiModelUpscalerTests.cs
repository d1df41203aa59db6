using WebDiffusion.Server.Tests.Infrastructure;
using System.Net;
using System.Net.Http.Json;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Upscaling;
using WebDiffusion.Onnx;

namespace WebDiffusion.Server.Tests.SdApi;

public class SdApiModelUpscalerTests
{
    private const string Canary = "/tmp/webdiffusion-pickle-canary";

    private static string UpscalerData(string file) =>
        Path.Combine(RepositoryRoot.Path, "tests", "WebDiffusion.Core.Tests", "Upscaling", "TestData", file);

    private static string Hostile(string file) =>
        Path.Combine(RepositoryRoot.Path, "tests", "WebDiffusion.Core.Tests", "Checkpoints", "Pickle", "TestData", "hostile", file);

    private static void Prepare(string root)
    {
        var esrgan = Directory.CreateDirectory(Path.Combine(root, "models", "ESRGAN")).FullName;
        var real = Directory.CreateDirectory(Path.Combine(root, "models", "RealESRGAN")).FullName;
        File.Copy(UpscalerData("srvgg_x2_prelu.pth"), Path.Combine(esrgan, "2x-Tiny.pth"));
        File.Copy(UpscalerData("rrdbnet_x4_old.pth"), Path.Combine(esrgan, "4x-TinyOld.pth"));
        File.Copy(Hostile("os_system.pt"), Path.Combine(esrgan, "Evil.pth"));
        File.Copy(UpscalerData("srvgg_x4_prelu.pth"), Path.Combine(real, "RealESRGAN_x4plus.pth"));
        File.WriteAllText(Path.Combine(esrgan, "notes.txt"), "not a model");
    }

    private static RgbaImage Pattern(int width, int height)
    {
        var image = new RgbaImage(width, height);
        for (var i = 0; i < width * height; i++)
        {
            image.Pixels[i * 4] = (byte)(i * 37 % 256);
            image.Pixels[(i * 4) + 1] = (byte)(i * 11 % 256);
            image.Pixels[(i * 4) + 2] = (byte)(255 - (i * 5 % 256));
            image.Pixels[(i * 4) + 3] = 255;
        }

        return image;
    }

    private static string Png(RgbaImage image) => Convert.ToBase64String(PngEncoder.Encode(image));

    [Fact]
    public async Task Model_files_are_listed_with_A1111s_names_after_the_built_in_upscalers()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: Prepare);
        var upscalers = await SdApiFixtures.JsonAsync(await server.Client.GetAsync("/sdapi/v1/upscalers"), HttpStatusCode.OK);
        var items = upscalers.EnumerateArray().ToList();
        Assert.Equal(["None", "Lanczos", "Nearest", "2x-Tiny", "4x-TinyOld", "Evil", "R-ESRGAN 4x+"], items.Select(u => u.GetProperty("name").GetString()));
        var real = items.Single(u => u.GetProperty("name").GetString() == "R-ESRGAN 4x+");
        Assert.Equal("RealESRGAN", real.GetProperty("model_name").GetString());
        Assert.EndsWith(Path.Combine("RealESRGAN", "RealESRGAN_x4plus.pth"), real.GetProperty("model_path").GetString(), StringComparison.Ordinal);
        Assert.Equal(4.0, real.GetProperty("scale").GetDouble());
    }

    [Fact]
    public async Task Extras_single_runs_the_model_and_gives_what_the_upscaler_gives_in_process()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: Prepare);
        var source = Pattern(16, 12);
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new { image = Png(source), upscaling_resize = 2, upscaler_1 = "2x-Tiny" });
        var body = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
        var decoded = PngDecoder.Decode(Convert.FromBase64String(body.GetProperty("image").GetString()!)).Image;
        Assert.Equal((32, 24), (decoded.Width, decoded.Height));
        using var upscaler = NeuralUpscaler.Open(server.Services.GetRequiredService<OrtRuntime>(), Path.Combine(server.ModelsDir, "ESRGAN", "2x-Tiny.pth"));
        var expected = upscaler.Upscale(source, UpscalerTiling.Default);
        Assert.Equal(expected.Pixels, decoded.Pixels);
        Assert.Contains("2x-Tiny", body.GetProperty("html_info").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extras_batch_upscales_every_image_with_a_Real_ESRGAN_name()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: Prepare);
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-batch-images", new
        {
            imageList = new[] { new { data = Png(Pattern(10, 8)), name = "a.png" }, new { data = Png(Pattern(6, 9)), name = "b.png" } },
            upscaling_resize = 4,
            upscaler_1 = "R-ESRGAN 4x+",
        });
        var body = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
        // A1111 rounds the target down to a multiple of 8 (9·4 = 36 → 32) and Lanczos-resizes the model output to it.
        var images = body.GetProperty("images").EnumerateArray().Select(i => PngDecoder.Decode(Convert.FromBase64String(i.GetString()!)).Image).ToList();
        Assert.Equal([(40, 32), (24, 32)], images.Select(i => (i.Width, i.Height)));
        using var upscaler = NeuralUpscaler.Open(server.Services.GetRequiredService<OrtRuntime>(), Path.Combine(server.ModelsDir, "RealESRGAN", "RealESRGAN_x4plus.pth"));
        Assert.Equal(upscaler.Upscale(Pattern(10, 8), UpscalerTiling.Default).Pixels, images[0].Pixels);
    }

    [Fact]
    public async Task A_hostile_model_file_is_a_422_naming_the_refused_global_and_nothing_runs()
    {
        File.Delete(Canary);
        await using var server = await LoopbackServer.StartAsync(prepare: Prepare);
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new { image = Png(Pattern(8, 8)), upscaling_resize = 2, upscaler_1 = "Evil" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("posix.system", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(File.Exists(Canary));
    }

    [Fact]
    public async Task An_unknown_upscaler_name_lists_the_models_present()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: Prepare);
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new { image = Png(Pattern(8, 8)), upscaling_resize = 2, upscaler_1 = "4x-UltraSharp" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("R-ESRGAN 4x+", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hires_fix_takes_a_model_upscaler_by_name_and_it_changes_the_result()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root =>
        {
            DemoModel.Write(root);
            Prepare(root);
        });
        var withModel = await HiresAsync(server, "2x-Tiny");
        var withLanczos = await HiresAsync(server, "Lanczos");
        Assert.Equal((128, 128), (withModel.Width, withModel.Height));
        Assert.NotEqual(withLanczos.Pixels, withModel.Pixels);
        Assert.Contains("Hires upscaler: 2x-Tiny", withModel.Infotext, StringComparison.Ordinal);

        using var unknown = await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", HiresBody("4x-Missing"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
    }

    private static object HiresBody(string upscaler) => new
    {
        prompt = "example prompt", steps = 3, width = 64, height = 64, seed = 9, sampler_index = "Euler", cfg_scale = 7,
        enable_hr = true, hr_scale = 2, hr_upscaler = upscaler, hr_second_pass_steps = 2, denoising_strength = 0.5,
    };

    private static async Task<(int Width, int Height, byte[] Pixels, string Infotext)> HiresAsync(LoopbackServer server, string upscaler)
    {
        using var response = await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", HiresBody(upscaler));
        var body = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
        using var info = System.Text.Json.JsonDocument.Parse(body.GetProperty("info").GetString()!);
        var image = PngDecoder.Decode(Convert.FromBase64String(body.GetProperty("images")[0].GetString()!)).Image;
        return (image.Width, image.Height, image.Pixels, info.RootElement.GetProperty("infotexts")[0].GetString()!);
    }
}
