using BenchmarkDotNet.Attributes;
using WebDiffusion.Core.Imaging;
using WebDiffusion.Core.Imaging.Png;

namespace WebDiffusion.Benchmarks.Imaging;

/// <summary>PNG encode/decode of a smooth synthetic RGB image (like a generated picture). MB/s = Size² × 4 bytes / mean time.</summary>
[MemoryDiagnoser]
public class PngCodecBenchmarks
{
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
    }

    [Benchmark]
    public byte[] Encode() => PngEncoder.Encode(_image);

    [Benchmark]
    public byte[] EncodeFast() => PngEncoder.Encode(_image, new PngEncoderOptions { CompressionLevel = 1 });

    [Benchmark]
    public RgbaImage Decode() => PngDecoder.Decode(_encoded).Image;
}
