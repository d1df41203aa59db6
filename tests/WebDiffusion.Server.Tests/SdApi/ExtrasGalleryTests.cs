using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Tests.Infrastructure;
using WebDiffusion.Server.Tests.Security;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary>Extras results are first-class outputs: indexed with their owner, searchable, fetched and deleted by id.</summary>
public class ExtrasGalleryTests
{
    private static string Png(int width, int height, string? parameters = null)
    {
        var image = new RgbaImage(width, height);
        for (var i = 0; i < image.Pixels.Length; i++)
        {
            image.Pixels[i] = (byte)(i * 31 % 251);
        }

        return Convert.ToBase64String(PngEncoder.Encode(image, new PngEncoderOptions { Texts = parameters is null ? [] : [new("parameters", parameters)] }));
    }

    private static HttpClient As(LoopbackServer server, string user)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user)));
        return client;
    }

    private static async Task<JsonElement> GalleryAsync(HttpClient client, string query = "")
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/images?query=" + Uri.EscapeDataString(query), UriKind.Relative)));
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task An_extras_result_is_in_the_owners_gallery_searchable_fetchable_and_deletable_by_id()
    {
        await using var server = await LoopbackServer.StartAsync(["--api-auth", "ann:ann-password1,ben:ben-password1"]);
        using var ann = As(server, "ann:ann-password1");
        using var ben = As(server, "ben:ben-password1");

        var response = await ann.PostAsJsonAsync("/sdapi/v1/extra-single-image", new { image = Png(20, 12, "a cat\nSteps: 20, Seed: 5"), upscaling_resize = 2, upscaler_1 = "Lanczos" });
        var body = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
        var returned = Convert.FromBase64String(body.GetProperty("image").GetString()!);

        var gallery = await GalleryAsync(ann);
        Assert.Equal(1, gallery.GetProperty("total").GetInt32());
        var item = gallery.GetProperty("items")[0];
        Assert.Equal("extras", item.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("jobId").ValueKind);
        Assert.Equal(string.Empty, item.GetProperty("prompt").GetString());
        Assert.Equal("Postprocess upscale by: 2, Postprocess upscaler: Lanczos", item.GetProperty("infotext").GetString());
        Assert.Equal((40, 24), (item.GetProperty("width").GetInt32(), item.GetProperty("height").GetInt32()));
        var id = item.GetProperty("id").GetString()!;

        Assert.Equal(1, (await GalleryAsync(ann, "Lanczos")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await GalleryAsync(ann, "Nearest")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await GalleryAsync(ben)).GetProperty("total").GetInt32());

        var fetched = await ann.GetByteArrayAsync(new Uri("/api/images/" + id, UriKind.Relative));
        Assert.Equal(returned, fetched);
        Assert.Contains(PngDecoder.Decode(fetched).Texts, t => t.Keyword == "postprocessing" && t.Text == "Postprocess upscale by: 2, Postprocess upscaler: Lanczos");
        Assert.Equal(HttpStatusCode.NotFound, (await ben.GetAsync(new Uri("/api/images/" + id, UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ben.DeleteAsync(new Uri("/api/images/" + id, UriKind.Relative))).StatusCode);

        var file = Path.Combine(server.DataDir, "outputs", "extras-images", "00000.png");
        Assert.True(File.Exists(file));
        Assert.Equal(HttpStatusCode.NoContent, (await ann.DeleteAsync(new Uri("/api/images/" + id, UriKind.Relative))).StatusCode);
        Assert.False(File.Exists(file));
        Assert.Equal(0, (await GalleryAsync(ann)).GetProperty("total").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await ann.GetAsync(new Uri("/api/images/" + id, UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Every_batch_result_is_indexed_and_files_on_disk_equal_the_index()
    {
        await using var server = await LoopbackServer.StartAsync();
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-batch-images", new
        {
            imageList = new[] { new { data = Png(8, 8), name = "a.png" }, new { data = Png(4, 12), name = "b.png" }, new { data = Png(16, 4), name = "c.png" } },
            upscaling_resize = 2,
            upscaler_1 = "Nearest",
        });
        await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);

        var outputs = Path.Combine(server.DataDir, "outputs");
        var onDisk = Directory.GetFiles(outputs, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(outputs, f)).Order(StringComparer.Ordinal);
        var indexed = server.Services.GetRequiredService<JobStore>().AllImagePaths().Order(StringComparer.Ordinal);
        Assert.Equal([Path.Combine("extras-images", "00000.png"), Path.Combine("extras-images", "00001.png"), Path.Combine("extras-images", "00002.png")], onDisk);
        Assert.Equal(onDisk, indexed);
        var items = (await GalleryAsync(server.Client)).GetProperty("items").EnumerateArray().ToList();
        Assert.All(items, i => Assert.Equal("Postprocess upscale by: 2, Postprocess upscaler: Nearest", i.GetProperty("infotext").GetString()));
        Assert.Equal([(8, 24), (16, 16), (32, 8)], items.Select(i => (i.GetProperty("width").GetInt32(), i.GetProperty("height").GetInt32())).Order());
    }

    [Fact]
    public async Task Extras_calls_count_against_the_per_client_rate_limit()
    {
        await using var server = await SecurityServer.WithAuthAsync(new Dictionary<string, string?>
        {
            ["WebDiffusion:RateLimit:PermitLimit"] = "2",
            ["WebDiffusion:RateLimit:WindowSeconds"] = "60",
        });
        async Task<HttpStatusCode> ExtrasAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/sdapi/v1/extra-single-image")
            {
                Content = JsonContent.Create(new { image = Png(4, 4), upscaling_resize = 2, upscaler_1 = "Nearest" }),
            };
            request.Headers.Authorization = SecurityServer.Basic(SecurityServer.User, SecurityServer.Password);
            using var response = await server.Client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await ExtrasAsync());
        Assert.Equal(HttpStatusCode.OK, await ExtrasAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, await ExtrasAsync());
        Assert.Equal(2, Directory.GetFiles(Path.Combine(server.DataDir, "outputs", "extras-images"), "*.png").Length);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_refused_before_any_image_work()
    {
        await using var server = await SecurityServer.StartAsync(settings: new Dictionary<string, string?> { ["WebDiffusion:Limits:MaxBodyBytes"] = "4096" });
        using var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new { image = Png(64, 64) + new string('A', 8192), upscaler_1 = "Nearest" });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(server.DataDir, "outputs", "extras-images")));
    }
}
