using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.PngInfo;

public class PngInfoEndpointTests
{
    private static string Fixture(string name) => Path.Combine(RepositoryRoot.Path, "..", "shared", "testdata", "png", name);

    [Theory]
    [InlineData("/sdapi/v1/png-info", false)]
    [InlineData("/api/png-info", true)]
    public async Task Returns_A1111_shape_for_a_real_A1111_png(string route, bool dataUrl)
    {
        await using var server = await LoopbackServer.StartAsync();
        var base64 = Convert.ToBase64String(await File.ReadAllBytesAsync(Fixture("bad_images__text_after_idat.png")));
        var response = await server.Client.PostAsJsonAsync(route, new { image = dataUrl ? "data:image/png;base64," + base64 : base64 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.StartsWith("photo of a duck\nNegative prompt: monochrome\nSteps: 15", root.GetProperty("info").GetString(), StringComparison.Ordinal);
        Assert.Equal("automatic1111_cropped", root.GetProperty("items").GetProperty("filename:f").GetString());
        Assert.False(root.GetProperty("items").TryGetProperty("parameters", out _));
        var parameters = root.GetProperty("parameters");
        Assert.Equal("photo of a duck", parameters.GetProperty("Prompt").GetString());
        Assert.Equal("monochrome", parameters.GetProperty("Negative prompt").GetString());
        Assert.Equal("15", parameters.GetProperty("Steps").GetString());
        Assert.Equal("512", parameters.GetProperty("Size-1").GetString());
        Assert.Equal("400", parameters.GetProperty("Size-2").GetString());
        Assert.Equal("235284042", parameters.GetProperty("Seed").GetString());
        Assert.Equal("1", parameters.GetProperty("Clip skip").GetString());
    }

    [Fact]
    public async Task Reads_japanese_itxt_and_jpeg_and_webp_exif()
    {
        await using var server = await LoopbackServer.StartAsync();
        foreach (var file in new[] { "sd-webui.png", "sd-webui.jpg", "sd-webui.webp" })
        {
            var base64 = Convert.ToBase64String(await File.ReadAllBytesAsync(Fixture(file)));
            var response = await server.Client.PostAsJsonAsync("/sdapi/v1/png-info", new { image = base64 });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Contains("テスト", json.RootElement.GetProperty("parameters").GetProperty("Prompt").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"image\": \"!!!not base64!!!\"}", "base64")]
    [InlineData("{\"image\": \"aGVsbG8gd29ybGQ=\"}", "not a PNG")]
    [InlineData("{\"nope\": 1}", "\\\"image\\\"")]
    [InlineData("not json", "JSON")]
    public async Task Bad_input_is_400_with_a_clear_message(string body, string expected)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await server.Client.PostAsync(new Uri("/sdapi/v1/png-info", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Huge_dimensions_are_refused_from_the_header()
    {
        await using var server = await LoopbackServer.StartAsync();
        var png = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        var ihdr = new byte[] { 0x49, 0x48, 0x44, 0x52, 0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0, 8, 6, 0, 0, 0 };
        png.AddRange([0, 0, 0, 13]);
        png.AddRange(ihdr);
        var crc = Crc32(ihdr);
        png.AddRange([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/png-info", new { image = Convert.ToBase64String(png.ToArray()) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("100000x100000", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_body_is_413_before_it_is_read()
    {
        await using var server = await LoopbackServer.StartAsync();

        // Only the headers are sent: the server must answer from Content-Length without waiting for 40 MiB.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        var stream = tcp.GetStream();
        var request = "POST /api/png-info HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 41943040\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        var head = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        Assert.StartsWith("HTTP/1.1 413", head, StringComparison.Ordinal);
    }

    private static uint Crc32(byte[] data)
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
}
