using WebDiffusion.Server.Tests.Infrastructure;
using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Imaging.Resize;

namespace WebDiffusion.Server.Tests.SdApi;

public class SdApiExtrasTests
{
    private static RgbaImage Gradient(int width, int height)
    {
        var image = new RgbaImage(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var p = image.Row(y).Slice(x * 4, 4);
                p[0] = (byte)(x * 255 / Math.Max(1, width - 1));
                p[1] = (byte)(y * 255 / Math.Max(1, height - 1));
                p[2] = (byte)((x * 7 + y * 13) % 256);
                p[3] = 255;
            }
        }

        return image;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static string Png(RgbaImage image) => Convert.ToBase64String(PngEncoder.Encode(image));

    private static string[] SavedExtras(LoopbackServer server)
    {
        var folder = Path.Combine(server.DataDir, "outputs", "extras-images");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories) : [];
    }

    [Fact]
    public async Task Lanczos_by_2_gives_the_resampler_result_and_saves_it()
    {
        await using var server = await LoopbackServer.StartAsync();
        var source = Gradient(40, 24);
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new
        {
            image = "data:image/png;base64," + Png(source),
            upscaling_resize = 2,
            upscaler_1 = "Lanczos",
        });
        var body = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
        var png = Convert.FromBase64String(body.GetProperty("image").GetString()!);
        var decoded = PngDecoder.Decode(png);
        Assert.Equal((80, 48), (decoded.Image.Width, decoded.Image.Height));
        Assert.Equal(Resampler.Resize(source, 80, 48, ResampleFilter.Lanczos3).Pixels, decoded.Image.Pixels);
        Assert.Equal("<p>Postprocess upscale by: 2, Postprocess upscaler: Lanczos</p>", body.GetProperty("html_info").GetString());
        Assert.Contains(decoded.Texts, t => t.Keyword == "postprocessing" && t.Text.Contains("Lanczos", StringComparison.Ordinal));

        var saved = Assert.Single(SavedExtras(server));
        Assert.Equal(png, await File.ReadAllBytesAsync(saved));
        Assert.Equal(Path.Combine(server.DataDir, "outputs", "extras-images", "00000.png"), saved); // A1111: no date folder, no seed
    }

    [Fact]
    public async Task Nearest_by_4_repeats_pixels_and_keeps_the_original_parameters()
    {
        await using var server = await LoopbackServer.StartAsync();
        var source = new RgbaImage(2, 2, [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 255]);
        var withInfo = PngEncoder.Encode(source, new PngEncoderOptions { Texts = [new("parameters", "a cat\nSteps: 20, Seed: 1")] });
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new
        {
            image = Convert.ToBase64String(withInfo),
            upscaling_resize = 4,
            upscaler_1 = "Nearest",
        });
        var decoded = PngDecoder.Decode(Convert.FromBase64String((await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK)).GetProperty("image").GetString()!));
        Assert.Equal((8, 8), (decoded.Image.Width, decoded.Image.Height));
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                var expected = ((y / 4 * 2) + (x / 4)) * 4;
                Assert.True(decoded.Image.Row(y).Slice(x * 4, 3).SequenceEqual(source.Pixels.AsSpan(expected, 3)), $"pixel {x},{y}");
            }
        }

        Assert.Contains(decoded.Texts, t => t.Keyword == "parameters" && t.Text == "a cat\nSteps: 20, Seed: 1");
    }

    [Fact]
    public async Task Scale_to_an_exact_size_crops_to_it()
    {
        await using var server = await LoopbackServer.StartAsync();
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new
        {
            image = Png(Gradient(32, 16)),
            resize_mode = 1,
            upscaling_resize_w = 96,
            upscaling_resize_h = 64,
            upscaler_1 = "Lanczos",
        });
        var body = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
        var decoded = PngDecoder.Decode(Convert.FromBase64String(body.GetProperty("image").GetString()!));
        Assert.Equal((96, 64), (decoded.Image.Width, decoded.Image.Height));

        // Scale 4 (the larger ratio) gives 128x64, centred on a 96x64 canvas: columns 16..111 of the upscale.
        var full = Resampler.Resize(Gradient(32, 16), 128, 64, ResampleFilter.Lanczos3);
        var expected = full.Crop(new PixelRect(16, 0, 96, 64));
        Assert.Equal(expected.Pixels, decoded.Image.Pixels);
        Assert.Contains("Postprocess upscale to: 96x64", body.GetProperty("html_info").GetString(), StringComparison.Ordinal);
        Assert.Single(SavedExtras(server));
    }

    [Fact]
    public async Task Upscaler_None_returns_the_image_unchanged()
    {
        await using var server = await LoopbackServer.StartAsync();
        var source = Gradient(30, 20);
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new { image = Png(source) });
        var decoded = PngDecoder.Decode(Convert.FromBase64String((await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK)).GetProperty("image").GetString()!));
        Assert.Equal(source.Pixels, decoded.Image.Pixels);
    }

    [Fact]
    public async Task Batch_upscales_every_image_in_order()
    {
        await using var server = await LoopbackServer.StartAsync();
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-batch-images", new
        {
            imageList = new[] { new { data = Png(Gradient(16, 16)), name = "a.png" }, new { data = Png(Gradient(24, 8)), name = "b.png" } },
            upscaling_resize = 2,
            upscaler_1 = "Lanczos",
        });
        var body = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
        var sizes = body.GetProperty("images").EnumerateArray()
            .Select(i => PngDecoder.Decode(Convert.FromBase64String(i.GetString()!)).Image)
            .Select(i => (i.Width, i.Height));
        Assert.Equal([(32, 32), (48, 16)], sizes);
        Assert.Equal(2, SavedExtras(server).Length);
        Assert.Contains("Lanczos", body.GetProperty("html_info").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_target_is_refused_before_any_work()
    {
        await using var server = await LoopbackServer.StartAsync();
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new { image = Png(Gradient(100, 50)), upscaling_resize = 100, upscaler_1 = "Lanczos" });
        var error = await SdApiFixtures.JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("8192", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(SavedExtras(server));

        var exact = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new
        {
            image = Png(Gradient(8, 8)),
            resize_mode = 1,
            upscaling_resize_w = 9000,
            upscaling_resize_h = 64,
            upscaler_1 = "Nearest",
        });
        Assert.Contains("8192", (await SdApiFixtures.JsonAsync(exact, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_upload_is_refused_from_its_header()
    {
        await using var server = await LoopbackServer.StartAsync();

        // Only a valid IHDR announcing 20000x20000 followed by nothing: decoding would fail differently.
        var header = new byte[33];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 13);
        "IHDR"u8.CopyTo(header.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(16), 20000);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(20), 20000);
        header[24] = 8;
        header[25] = 6;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(29), Crc32(header.AsSpan(12, 17)));

        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new { image = Convert.ToBase64String(header), upscaler_1 = "Lanczos" });
        var error = await SdApiFixtures.JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("MaxUploadSide", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("20000x20000", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"gfpgan_visibility\": 0.5}", "face restorer")]
    [InlineData("{\"codeformer_visibility\": 1}", "face restorer")]
    [InlineData("{\"upscaler_2\": \"Nearest\", \"extras_upscaler_2_visibility\": 0.3}", "upscaler_2")]
    [InlineData("{\"upscaler_1\": \"R-ESRGAN 4x+\"}", "R-ESRGAN 4x+")]
    [InlineData("{\"upscaling_resize\": \"2\"}", "upscaling_resize")]
    [InlineData("{\"resize_mode\": 3}", "resize_mode")]
    public async Task Unsupported_extras_features_are_422(string extra, string expected)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var fields = JsonDocument.Parse(extra);
        var body = new Dictionary<string, object?> { ["image"] = Png(Gradient(8, 8)), ["upscaler_1"] = "Lanczos" };
        foreach (var property in fields.RootElement.EnumerateObject())
        {
            body[property.Name] = property.Value;
        }

        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", body);
        var error = await SdApiFixtures.JsonAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(expected, error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(SavedExtras(server));
    }
}
