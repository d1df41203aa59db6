using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;

namespace WebDiffusion.Core.Tests.Imaging.Png;

public class PngFixtureTests
{
    public static TheoryData<string> PngFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(SharedTestData.Root, "png"), "*.png").Order(StringComparer.Ordinal))
        {
            if (new FileInfo(path).Length > 0)
            {
                data.Add(Path.GetFileName(path));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PngFixtures))]
    public void Every_real_png_decodes_to_the_size_its_header_declares(string name)
    {
        var bytes = File.ReadAllBytes(SharedTestData.File("png", name));
        var header = PngInfo.ReadHeader(new MemoryStream(bytes));
        var decoded = PngDecoder.Decode(bytes);
        Assert.Equal(header, decoded.Header);
        Assert.Equal(header.Width * header.Height * 4, decoded.Image.Pixels.Length);
    }

    [Fact]
    public void Empty_file_is_a_typed_error_that_says_empty()
    {
        var bytes = File.ReadAllBytes(SharedTestData.File("png", "bad_images__empty_file.png"));
        var ex = Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(bytes));
        Assert.Contains("empty", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Jpeg_bytes_are_refused_as_not_png()
    {
        var bytes = File.ReadAllBytes(SharedTestData.File("png", "bad_images__empty_image.jpg"));
        var ex = Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(bytes));
        Assert.Contains("not a PNG", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_pixel_one_bit_grey_with_trns_decodes()
    {
        var decoded = PngDecoder.Decode(File.ReadAllBytes(SharedTestData.File("png", "bad_images__empty_image.png")));
        Assert.Equal(1, decoded.Image.Width);
        Assert.Equal(1, decoded.Header.BitDepth);
        Assert.Equal(PngColorType.Grayscale, decoded.Header.ColorType);
        Assert.Equal(3, decoded.Texts.Count);
    }

    [Fact]
    public void Compressed_text_after_the_image_data_is_found_and_inflated()
    {
        var decoded = PngDecoder.Decode(File.ReadAllBytes(SharedTestData.File("png", "bad_images__text_after_idat.png")));
        var parameters = Assert.Single(decoded.Texts, t => t.Keyword == "parameters");
        Assert.Equal(PngTextKind.CompressedText, parameters.Kind);
        Assert.StartsWith("photo of a duck\nNegative prompt: monochrome\nSteps: 15", parameters.Text, StringComparison.Ordinal);
        Assert.Equal("automatic1111_cropped", decoded.Texts.Single(t => t.Keyword == "filename:f").Text);
    }

    [Fact]
    public void A1111_japanese_prompt_is_read_from_itxt()
    {
        var (header, texts) = PngDecoder.ReadTexts(File.ReadAllBytes(SharedTestData.File("png", "sd-webui.png")));
        Assert.Equal(1024, header.Width);
        var parameters = Assert.Single(texts);
        Assert.Equal(PngTextKind.InternationalText, parameters.Kind);
        Assert.Contains("hatsune miku, テスト", parameters.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_real_file_gives_a_typed_error_at_every_cut()
    {
        var bytes = File.ReadAllBytes(SharedTestData.File("png", "parsers__AUTOMATIC1111__automatic1111_cropped.png"));
        for (var cut = 1; cut < bytes.Length - 12; cut += 7)
        {
            Assert.ThrowsAny<InvalidImageException>(() => PngDecoder.Decode(bytes.AsMemory(0, cut)));
        }
    }

    [Fact]
    public void Large_real_file_cut_in_the_image_data_is_a_typed_error()
    {
        var bytes = File.ReadAllBytes(SharedTestData.File("png", "forge.png"));
        var ex = Assert.ThrowsAny<InvalidImageException>(() => PngDecoder.Decode(bytes.AsMemory(0, bytes.Length / 2)));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flipped_byte_in_image_data_fails_the_checksum()
    {
        var bytes = File.ReadAllBytes(SharedTestData.File("png", "forge.png"));
        bytes[bytes.Length / 2] ^= 0x40;
        var ex = Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(bytes));
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }
}
