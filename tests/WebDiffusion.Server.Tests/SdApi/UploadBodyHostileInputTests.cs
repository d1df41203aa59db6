using System.Net;
using System.Net.Http.Headers;
using System.Text;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary>
/// Bodies a hostile probe sent to the upload routes (PNG Info, Extras, options) that answered 500: invalid UTF-8 and lone
/// surrogates in strings, duplicate keys, a PNG of 100 000 tiny text chunks. Each is a 4xx whose message names the field
/// or the limit, and the server keeps answering.
/// </summary>
public class UploadBodyHostileInputTests
{
    private static readonly string TinyPng = Convert.ToBase64String(PngEncoder.Encode(RgbaImage.Filled(4, 4, 10, 20, 30)));

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static ByteArrayContent Json(string body) => Json(Encoding.UTF8.GetBytes(body));

    /// <summary><c>{"image": "&lt;bytes&gt;"}</c> with raw bytes inside the string.</summary>
    private static byte[] WithRawBytes(string before, byte[] raw, string after) => [.. Encoding.UTF8.GetBytes(before), .. raw, .. Encoding.UTF8.GetBytes(after)];

    private static async Task<string> ExpectAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text;
    }

    private static async Task AssertAliveAsync(LoopbackServer server)
    {
        var response = await server.Client.PostAsync(new Uri("/sdapi/v1/png-info", UriKind.Relative), Json($"{{\"image\":\"{TinyPng}\"}}"));
        await ExpectAsync(response, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/sdapi/v1/png-info")]
    [InlineData("/sdapi/v1/extra-single-image")]
    public async Task Invalid_utf8_in_a_string_is_400_naming_the_field(string route)
    {
        await using var server = await LoopbackServer.StartAsync();
        var body = WithRawBytes("{\"image\":\"", [0xFF, 0xFE, 0xC3], "\"}");

        var text = await ExpectAsync(await server.Client.PostAsync(new Uri(route, UriKind.Relative), Json(body)), HttpStatusCode.BadRequest);

        Assert.Contains("$.image", text, StringComparison.Ordinal);
        Assert.Contains("not valid Unicode", text, StringComparison.Ordinal);
        await AssertAliveAsync(server);
    }

    [Theory]
    [InlineData("/sdapi/v1/png-info", "{\"image\":\"\\ud800\"}", "$.image")]
    [InlineData("/sdapi/v1/extra-batch-images", "{\"imageList\":[{\"data\":\"x\",\"name\":\"a\\udc00b\"}]}", "$.imageList[0].name")]
    [InlineData("/sdapi/v1/options", "{\"sd_model_checkpoint\":\"\\ud83d\"}", "$.sd_model_checkpoint")]
    public async Task A_lone_surrogate_is_400_naming_its_path(string route, string body, string path)
    {
        await using var server = await LoopbackServer.StartAsync();

        var text = await ExpectAsync(await server.Client.PostAsync(new Uri(route, UriKind.Relative), Json(body)), HttpStatusCode.BadRequest);

        Assert.Contains(path, text, StringComparison.Ordinal);
        await AssertAliveAsync(server);
    }

    [Theory]
    [InlineData("/sdapi/v1/extra-single-image", "{\"image\":\"TINY\",\"image\":\"TINY\",\"upscaler_1\":\"Lanczos\"}", HttpStatusCode.UnprocessableEntity, "$.image ")]
    [InlineData("/sdapi/v1/extra-batch-images", "{\"imageList\":[{\"data\":\"TINY\"}],\"imageList\":[]}", HttpStatusCode.UnprocessableEntity, "$.imageList ")]
    [InlineData("/sdapi/v1/extra-batch-images", "{\"imageList\":[{\"data\":\"TINY\",\"data\":\"TINY\"}]}", HttpStatusCode.UnprocessableEntity, "$.imageList[0].data ")]
    [InlineData("/sdapi/v1/options", "{\"CLIP_stop_at_last_layers\":1,\"CLIP_stop_at_last_layers\":2}", HttpStatusCode.UnprocessableEntity, "$.CLIP_stop_at_last_layers ")]
    [InlineData("/sdapi/v1/png-info", "{\"image\":\"TINY\",\"image\":\"TINY\"}", HttpStatusCode.BadRequest, "$.image ")]
    public async Task A_key_named_twice_is_a_4xx_naming_its_path(string route, string body, HttpStatusCode status, string path)
    {
        await using var server = await LoopbackServer.StartAsync();

        var response = await server.Client.PostAsync(new Uri(route, UriKind.Relative), Json(body.Replace("TINY", TinyPng, StringComparison.Ordinal)));
        var text = await ExpectAsync(response, status);

        Assert.Contains(path + "appears more than once", text, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(Path.Combine(server.DataDir, "outputs", "extras-images")) ? Directory.GetFiles(Path.Combine(server.DataDir, "outputs", "extras-images")) : []);
        await AssertAliveAsync(server);
    }

    [Fact]
    public async Task A_png_of_100000_tiny_text_chunks_is_refused_at_the_chunk_cap()
    {
        await using var server = await LoopbackServer.StartAsync();
        var texts = Enumerable.Range(0, 100_000).Select(i => new KeyValuePair<string, string>($"k{i}", "v")).ToList();
        var png = PngEncoder.Encode(RgbaImage.Filled(1, 1, 0, 0, 0), new PngEncoderOptions { Texts = texts });
        Assert.True(png.Length > 1_500_000);

        var response = await server.Client.PostAsync(new Uri("/sdapi/v1/png-info", UriKind.Relative), Json($"{{\"image\":\"{Convert.ToBase64String(png)}\"}}"));
        var text = await ExpectAsync(response, HttpStatusCode.BadRequest);

        Assert.Contains($"{PngDecoderOptions.Default.MaxTextChunks} text chunks", text, StringComparison.Ordinal);
        await AssertAliveAsync(server);
    }
}
