using System.Buffers.Binary;
using System.Text;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;

namespace WebDiffusion.Core.Tests.Imaging.Png;

public class PngHostileInputTests
{
    [Fact]
    public void Huge_dimensions_are_refused_from_the_header_before_decompression()
    {
        // 100000 x 100000 RGBA with IDAT bytes that are not valid zlib: if the decoder inflated anything it would
        // report corrupt data, not the size.
        var file = HeaderOnly(100_000, 100_000, extraIdat: [1, 2, 3, 4, 5, 6, 7, 8]);
        var ex = Assert.Throws<ImageTooLargeException>(() => PngDecoder.Decode(file));
        Assert.Contains("100000x100000", ex.Message, StringComparison.Ordinal);
        Assert.Equal(100_000, PngInfo.ReadHeader(new MemoryStream(file)).Width);
    }

    [Fact]
    public void Pixel_budget_is_configurable()
    {
        var file = TestPngWriter.Write(10, 10, 0, 8, Enumerable.Range(0, 10).Select(_ => new int[10]).ToArray(), false);
        Assert.Throws<ImageTooLargeException>(() => PngDecoder.Decode(file, new PngDecoderOptions { MaxPixels = 99 }));
        Assert.Equal(10, PngDecoder.Decode(file, new PngDecoderOptions { MaxPixels = 100 }).Image.Width);
    }

    [Fact]
    public void Zip_bomb_in_ztxt_is_refused()
    {
        var bomb = TestPngWriter.Deflate(new byte[16 * 1024 * 1024]);
        var body = Encoding.Latin1.GetBytes("parameters\0\0").Concat(bomb).ToArray();
        var file = TestPngWriter.Write(1, 1, 0, 8, [[7]], false, extraChunksAfterIdat: [("zTXt", body)]);
        var ex = Assert.Throws<ImageTooLargeException>(() => PngDecoder.Decode(file));
        Assert.Contains("zTXt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zip_bomb_in_compressed_itxt_is_refused()
    {
        var bomb = TestPngWriter.Deflate(new byte[4 * 1024 * 1024]);
        var body = Encoding.Latin1.GetBytes("parameters\0\u0001\0\0\0").Concat(bomb).ToArray();
        var file = TestPngWriter.Write(1, 1, 0, 8, [[7]], false, extraChunksBeforeIdat: [("iTXt", body)]);
        Assert.Throws<ImageTooLargeException>(() => PngDecoder.ReadTexts(file));
    }

    [Fact]
    public void Zip_bomb_in_idat_is_refused()
    {
        // A 16x16 grey image whose IDAT inflates to 64 MiB: far more than the 16 * 17 bytes the header implies.
        var bomb = TestPngWriter.Deflate(new byte[64 * 1024 * 1024]);
        var file = HeaderOnly(16, 16, colorType: 0, extraIdat: bomb);
        var ex = Assert.Throws<ImageTooLargeException>(() => PngDecoder.Decode(file));
        Assert.Contains("more image data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_are_a_typed_error()
    {
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 8)
            {
                PngInfo.Signature.CopyTo(bytes);
            }

            Assert.ThrowsAny<InvalidImageException>(() => PngDecoder.Decode(bytes));
        }
    }

    [Fact]
    public void Random_corruption_of_a_valid_file_never_escapes_as_another_exception()
    {
        var original = PngEncoder.Encode(RgbaImage.Filled(9, 7, 10, 20, 30, 128), new PngEncoderOptions { Texts = [new("k", "v")] });
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var bytes = (byte[])original.Clone();
            bytes[random.Next(8, bytes.Length)] = (byte)random.Next(256);
            try
            {
                PngDecoder.Decode(bytes);
            }
            catch (InvalidImageException)
            {
            }
        }
    }

    [Fact]
    public void Unknown_scanline_filter_is_reported()
    {
        var raw = new byte[] { 9, 1, 2 };
        var file = HeaderOnly(2, 1, colorType: 0, extraIdat: TestPngWriter.Deflate(raw));
        var ex = Assert.Throws<InvalidImageException>(() => PngDecoder.Decode(file));
        Assert.Contains("filter", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] HeaderOnly(int width, int height, int colorType = 6, byte[]? extraIdat = null)
    {
        var ms = new MemoryStream();
        ms.Write(PngInfo.Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = (byte)colorType;
        TestPngWriter.Chunk(ms, "IHDR", ihdr);
        TestPngWriter.Chunk(ms, "IDAT", extraIdat ?? []);
        TestPngWriter.Chunk(ms, "IEND", []);
        return ms.ToArray();
    }
}
