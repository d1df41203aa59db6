using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;

namespace WebDiffusion.Benchmarks.Imaging;

/// <summary>
/// PNG encode/decode of a smooth synthetic RGB image (like a generated picture). MB/s = Size² × 4 bytes / mean time.
/// Encoded sizes are printed at setup, since file size is half of the trade-off between the variants.
/// </summary>
[MemoryDiagnoser]
public class PngCodecBenchmarks
{
    private static readonly PngEncoderOptions OneThread = new() { MaxDegreeOfParallelism = 1 };
    private static readonly PngEncoderOptions Zlib6 = new() { CompressionLevel = 6, CompressionStrategy = ZLibCompressionStrategy.Default };
    private static readonly PngEncoderOptions Zlib1 = new() { CompressionLevel = 1, CompressionStrategy = ZLibCompressionStrategy.Default };
    private RgbaImage _image = null!;
    private byte[] _encoded = null!;

    [Params(512, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _image = new RgbaImage(Size, Size);
        var random = new Random(1);
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var o = ((y * Size) + x) * 4;
                _image.Pixels[o] = (byte)((x + random.Next(8)) & 0xFF);
                _image.Pixels[o + 1] = (byte)((y + random.Next(8)) & 0xFF);
                _image.Pixels[o + 2] = (byte)(((x ^ y) + random.Next(8)) & 0xFF);
                _image.Pixels[o + 3] = 255;
            }
        }

        _encoded = PngEncoder.Encode(_image);
        Console.WriteLine($"// PNG {Size}²: default {_encoded.Length} bytes, zlib 6 {PngEncoder.Encode(_image, Zlib6).Length} bytes, zlib 1 {PngEncoder.Encode(_image, Zlib1).Length} bytes");
    }

    /// <summary>The defaults: run-length zlib, bands on every core.</summary>
    [Benchmark(Baseline = true)]
    public byte[] Encode() => PngEncoder.Encode(_image);

    [Benchmark]
    public byte[] EncodeOneThread() => PngEncoder.Encode(_image, OneThread);

    /// <summary>The previous default: zlib's level 6 search.</summary>
    [Benchmark]
    public byte[] EncodeZlib6() => PngEncoder.Encode(_image, Zlib6);

    [Benchmark]
    public byte[] EncodeZlib1() => PngEncoder.Encode(_image, Zlib1);

    [Benchmark]
    public RgbaImage Decode() => PngDecoder.Decode(_encoded).Image;
}
