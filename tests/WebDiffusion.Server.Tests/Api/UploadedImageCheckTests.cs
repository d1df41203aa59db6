using WebDiffusion.Server.Api;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Api;

/// <summary>Init images and masks in JPEG and WebP pass the submit check; oversized or damaged ones are refused naming why.</summary>
public class UploadedImageCheckTests
{
    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(RepositoryRoot.Path, "..", "shared", "testdata", "png", name));

    [Theory]
    [InlineData("sd-webui.jpg")]
    [InlineData("sd-webui.webp")]
    [InlineData("sd-webui.png")]
    public void A1111s_png_jpeg_and_webp_are_accepted(string name) => Assert.Null(UploadedImageCheck.Problem(Fixture(name), 2048));

    [Fact]
    public void A_jpeg_over_the_upload_side_limit_is_refused_from_its_header()
    {
        var problem = UploadedImageCheck.Problem(Fixture("sd-webui.jpg"), 512);

        Assert.NotNull(problem);
        Assert.Contains("1024x1024", problem, StringComparison.Ordinal);
        Assert.Contains("MaxUploadSide", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_jpeg_and_a_gif_are_refused_naming_their_format()
    {
        Assert.Contains("not a usable JPEG", UploadedImageCheck.Problem(Fixture("sd-webui.jpg")[..20000], 2048), StringComparison.Ordinal);
        Assert.Contains("GIF", UploadedImageCheck.Problem("GIF89a\0\0\0\0"u8.ToArray(), 2048), StringComparison.Ordinal);
    }
}
