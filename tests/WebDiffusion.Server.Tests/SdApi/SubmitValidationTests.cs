using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary>
/// Bad requests are answered at submission on both APIs (native 400 with <c>errors</c> per field, /sdapi 422 in A1111's
/// shape), listing every problem; no job is created for them.
/// </summary>
public class SubmitValidationTests
{
    private const int UploadLimit = 128;

    [Fact]
    public async Task Unusable_uploads_are_refused_at_submit_naming_every_field_on_both_apis()
    {
        await using var server = await StartAsync();
        var jpeg = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1 };
        var good = PngEncoder.Encode(RgbaImage.Filled(64, 64, 10, 20, 30));
        var truncated = good[..(good.Length - 20)]; // the header is intact; the image data and IEND are cut
        var tooWide = PngEncoder.Encode(RgbaImage.Filled(UploadLimit + 8, 64, 0, 0, 0));
        var body = new JsonObject
        {
            ["mode"] = "img2img",
            ["prompt"] = "x",
            ["steps"] = 2,
            ["width"] = 64,
            ["height"] = 64,
            ["batch_size"] = 4,
            ["init_images"] = new JsonArray(B64(jpeg), B64(good), B64(tooWide), B64(truncated)),
            ["mask"] = "data:image/png;base64," + Convert.ToBase64String(Encoding.ASCII.GetBytes("not an image at all")),
        };

        var native = await PostAsync(server, "/api/jobs", body, HttpStatusCode.BadRequest);
        var sdapi = await PostAsync(server, "/sdapi/v1/img2img", body, HttpStatusCode.UnprocessableEntity);

        foreach (var errors in new[] { native.GetProperty("errors"), sdapi.GetProperty("errors") })
        {
            Assert.Contains("JPEG", Messages(errors, "init_images[0]"), StringComparison.Ordinal);
            Assert.False(errors.TryGetProperty("init_images[1]", out _), errors.ToString());
            Assert.Contains("MaxUploadSide", Messages(errors, "init_images[2]"), StringComparison.Ordinal);
            Assert.Contains($"{UploadLimit + 8}x64", Messages(errors, "init_images[2]"), StringComparison.Ordinal);
            Assert.Contains("not a usable PNG", Messages(errors, "init_images[3]"), StringComparison.Ordinal);
            Assert.Contains("signature", Messages(errors, "mask"), StringComparison.Ordinal);
        }

        Assert.Contains("init_images[2]", sdapi.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var jobs = await server.Client.GetFromJsonAsync<JsonElement>("/api/jobs");
        Assert.Equal(0, jobs.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_mask_of_another_size_is_fitted_to_the_init_image_as_a1111_does()
    {
        await using var server = await StartAsync();
        var init = RgbaImage.Filled(64, 64, 200, 120, 40);
        var mask = RgbaImage.Filled(32, 32, 0, 0, 0);
        for (var y = 12; y < 20; y++)
        {
            mask.Row(y)[(12 * 4)..(20 * 4)].Fill(255);
        }

        var body = new JsonObject
        {
            ["prompt"] = "a cat",
            ["steps"] = 3,
            ["width"] = 64,
            ["height"] = 64,
            ["denoising_strength"] = 0.9,
            ["mask_blur"] = 2,
            ["inpainting_fill"] = 1,
            ["inpaint_full_res"] = false,
            ["init_images"] = new JsonArray(B64(PngEncoder.Encode(init))),
            ["mask"] = B64(PngEncoder.Encode(mask)),
        };

        var result = await PostAsync(server, "/sdapi/v1/img2img", body, HttpStatusCode.OK);

        var image = PngDecoder.Decode(Convert.FromBase64String(result.GetProperty("images")[0].GetString()!)).Image;
        Assert.Equal((64, 64), (image.Width, image.Height));
        // The mask's 8x8 block scales to (24..40)²; pixels far from it are the original, the block is regenerated.
        Assert.Equal(init.Pixels.AsSpan(0, 3).ToArray(), image.Pixels.AsSpan(0, 3).ToArray());
        var centre = ((32 * 64) + 32) * 4;
        Assert.NotEqual(init.Pixels.AsSpan(centre, 3).ToArray(), image.Pixels.AsSpan(centre, 3).ToArray());
    }

    [Theory]
    [InlineData("steps", "10000")]
    [InlineData("steps", "0")]
    [InlineData("cfg_scale", "\"NaN\"")]
    [InlineData("cfg_scale", "\"Infinity\"")]
    [InlineData("cfg_scale", "\"-Infinity\"")]
    [InlineData("seed", "-5")]
    [InlineData("subseed", "-2")]
    [InlineData("width", "0")]
    [InlineData("height", "513")]
    [InlineData("n_iter", "100000")]
    public async Task Absurd_values_get_a_4xx_naming_the_field_on_both_apis(string field, string value)
    {
        await using var server = await StartAsync();
        var body = new JsonObject { ["prompt"] = "x", ["steps"] = 2, ["width"] = 64, ["height"] = 64 };
        body[field] = JsonNode.Parse(value);

        var native = await PostAsync(server, "/api/jobs", body, HttpStatusCode.BadRequest);
        var sdapi = await PostAsync(server, "/sdapi/v1/txt2img", body, HttpStatusCode.UnprocessableEntity);

        Assert.Equal([field], native.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal([field], sdapi.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Contains(field, sdapi.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_absurd_value_is_listed_in_one_answer()
    {
        await using var server = await StartAsync();
        var body = JsonNode.Parse("""{"prompt":"x","steps":10000,"cfg_scale":"NaN","seed":-7,"width":0,"height":64}""")!;

        var native = await PostAsync(server, "/api/jobs", body, HttpStatusCode.BadRequest);
        var sdapi = await PostAsync(server, "/sdapi/v1/txt2img", body, HttpStatusCode.UnprocessableEntity);

        string[] fields = ["cfg_scale", "seed", "steps", "width"];
        Assert.Equal(fields, native.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(fields, sdapi.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private static Task<LoopbackServer> StartAsync() => LoopbackServer.StartAsync(
        prepare: root => DemoModel.Write(root),
        configure: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["WebDiffusion:Limits:MaxUploadSide"] = $"{UploadLimit}" }));

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private static string Messages(JsonElement errors, string field)
    {
        Assert.True(errors.TryGetProperty(field, out var list), $"no error for {field}: {errors}");
        return string.Join(" ", list.EnumerateArray().Select(e => e.GetString()));
    }

    private static async Task<JsonElement> PostAsync(LoopbackServer server, string route, JsonNode body, HttpStatusCode expected)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await server.Client.PostAsync(new Uri(route, UriKind.Relative), content);
        return await SdApiFixtures.JsonAsync(response, expected);
    }
}
