using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using SkiaSharp;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Imaging.Resize;
using WebDiffusion.Core.Infotext.Metadata;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary>
/// Extras takes A1111's JPEG and WebP files as well as PNGs: decoded through SkiaSharp, the header's size checked before any
/// pixel is decoded, damaged files refused with a 400 naming the format, and the source's infotext kept in the result.
/// </summary>
public class SdApiExtrasUploadFormatTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "..", "shared", "testdata", "png", name));

    private static string[] SavedExtras(LoopbackServer server)
    {
        var folder = Path.Combine(server.DataDir, "outputs", "extras-images");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories) : [];
    }

    /// <summary>The fixture's pixels as SkiaSharp itself decodes them, opaque RGBA (Extras drops alpha like A1111's RGB convert).</summary>
    private static RgbaImage SkiaPixels(byte[] bytes)
    {
        using var bitmap = SKBitmap.Decode(bytes, new SKImageInfo(1024, 1024, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var image = new RgbaImage(bitmap.Width, bitmap.Height, bitmap.Bytes);
        for (var i = 3; i < image.Pixels.Length; i += 4)
        {
            image.Pixels[i] = 255;
        }

        return image;
    }

    private static string ErrorDetail(System.Text.Json.JsonElement error) => error.GetProperty("detail").GetString()!;

    [Theory]
    [InlineData("sd-webui.jpg")]
    [InlineData("sd-webui.webp")]
    public async Task A1111s_jpeg_and_webp_upscale_like_their_decoded_pixels_and_keep_the_infotext(string name)
    {
        await using var server = await LoopbackServer.StartAsync();
        var bytes = Fixture(name);
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new
        {
            image = Convert.ToBase64String(bytes),
            upscaling_resize = 0.5,
            upscaler_1 = "Lanczos",
        });

        var body = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
        var decoded = PngDecoder.Decode(Convert.FromBase64String(body.GetProperty("image").GetString()!));
        Assert.Equal((512, 512), (decoded.Image.Width, decoded.Image.Height));
        Assert.Equal(Resampler.Resize(SkiaPixels(bytes), 512, 512, ResampleFilter.Lanczos3).Pixels, decoded.Image.Pixels);

        var original = ImageMetadataReader.Read(bytes).Parameters;
        Assert.NotNull(original);
        Assert.Contains("Steps: ", original, StringComparison.Ordinal);
        Assert.Contains(decoded.Texts, t => t.Keyword == "parameters" && t.Text == original);
        Assert.Contains(decoded.Texts, t => t.Keyword == "postprocessing" && t.Text == "Postprocess upscale by: 0.5, Postprocess upscaler: Lanczos");
        Assert.Single(SavedExtras(server));
    }

    [Fact]
    public async Task A_batch_mixes_png_jpeg_and_webp()
    {
        await using var server = await LoopbackServer.StartAsync();
        var png = PngEncoder.Encode(RgbaImage.Filled(24, 16, 200, 30, 60));
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-batch-images", new
        {
            imageList = new[]
            {
                new { data = "data:image/jpeg;base64," + Convert.ToBase64String(Fixture("sd-webui.jpg")), name = "a.jpg" },
                new { data = Convert.ToBase64String(png), name = "b.png" },
                new { data = "data:image/webp;base64," + Convert.ToBase64String(Fixture("sd-webui.webp")), name = "c.webp" },
            },
        });

        var body = await SdApiFixtures.JsonAsync(response, HttpStatusCode.OK);
        var images = body.GetProperty("images").EnumerateArray().Select(i => PngDecoder.Decode(Convert.FromBase64String(i.GetString()!)).Image).ToList();
        Assert.Equal([(1024, 1024), (24, 16), (1024, 1024)], images.Select(i => (i.Width, i.Height)));
        Assert.Equal(SkiaPixels(Fixture("sd-webui.jpg")).Pixels, images[0].Pixels);
        Assert.Equal(SkiaPixels(Fixture("sd-webui.webp")).Pixels, images[2].Pixels);
        Assert.Equal(3, SavedExtras(server).Length);
    }

    [Theory]
    [InlineData("sd-webui.jpg", "JPEG")]
    [InlineData("sd-webui.webp", "WebP")]
    public async Task A_truncated_jpeg_or_webp_is_400_naming_the_format_and_nothing_is_saved(string name, string format)
    {
        await using var server = await LoopbackServer.StartAsync();
        var truncated = Fixture(name)[..20000];
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new { image = Convert.ToBase64String(truncated), upscaler_1 = "Lanczos" });

        var detail = ErrorDetail(await SdApiFixtures.JsonAsync(response, HttpStatusCode.BadRequest));
        Assert.Contains(format, detail, StringComparison.Ordinal);
        Assert.Empty(SavedExtras(server));
    }

    [Fact]
    public async Task A_jpeg_whose_header_claims_65000_by_65000_is_refused_from_the_header()
    {
        await using var server = await LoopbackServer.StartAsync();

        // 65535 is the most a JPEG's 16-bit SOF fields can claim; the scan data is the real 1024x1024 one.
        var bytes = Fixture("sd-webui.jpg");
        var sof = FindStartOfFrame(bytes);
        (bytes[sof + 5], bytes[sof + 6], bytes[sof + 7], bytes[sof + 8]) = (65000 >> 8, 65000 & 0xFF, 65000 >> 8, 65000 & 0xFF);
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-batch-images", new
        {
            imageList = new[] { new { data = Convert.ToBase64String(Fixture("sd-webui.webp")), name = "fine.webp" }, new { data = Convert.ToBase64String(bytes), name = "bomb.jpg" } },
            upscaler_1 = "Lanczos",
        });

        var detail = ErrorDetail(await SdApiFixtures.JsonAsync(response, HttpStatusCode.BadRequest));
        Assert.Contains("imageList[1].data is 65000x65000", detail, StringComparison.Ordinal);
        Assert.Contains("MaxUploadSide", detail, StringComparison.Ordinal);
        Assert.Empty(SavedExtras(server)); // checked before the first image was decoded
    }

    [Fact]
    public async Task A_webp_over_the_configured_upload_side_is_refused_from_its_header()
    {
        await using var server = await LoopbackServer.StartAsync(configure: builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["WebDiffusion:Limits:MaxUploadSide"] = "1000" }));
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new { image = Convert.ToBase64String(Fixture("sd-webui.webp")) });

        var detail = ErrorDetail(await SdApiFixtures.JsonAsync(response, HttpStatusCode.BadRequest));
        Assert.Contains("1024x1024", detail, StringComparison.Ordinal);
        Assert.Contains("MaxUploadSide limit is 1000", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GIF89a\u0001\0\u0001\0\0\0\0", "GIF")]
    [InlineData("BM\0\0\0\0\0\0\0\0", "BMP")]
    public async Task Gif_and_bmp_are_415_naming_the_formats_that_are_decoded(string header, string format)
    {
        await using var server = await LoopbackServer.StartAsync();
        var bytes = header.Select(c => (byte)c).ToArray();
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/extra-single-image", new { image = Convert.ToBase64String(bytes), upscaler_1 = "Lanczos" });

        var detail = ErrorDetail(await SdApiFixtures.JsonAsync(response, HttpStatusCode.UnsupportedMediaType));
        Assert.Contains(format, detail, StringComparison.Ordinal);
        Assert.Contains("PNG, JPEG and WebP", detail, StringComparison.Ordinal);
    }

    private static int FindStartOfFrame(byte[] jpeg)
    {
        for (var i = 2; i + 3 < jpeg.Length;)
        {
            Assert.Equal(0xFF, jpeg[i]);
            if (jpeg[i + 1] is 0xC0 or 0xC1 or 0xC2)
            {
                return i;
            }

            i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
        }

        throw new InvalidOperationException("no SOF marker");
    }
}
