using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace WebDiffusion.Core.Tests.Imaging.Png;

/// <summary>
/// An independent, deliberately simple PNG writer for tests: arbitrary colour type, bit depth, interlace,
/// a filter chosen per row by a rotating rule, and raw chunks. Shares no code with the production codec.
/// </summary>
internal static class TestPngWriter
{
    /// <summary>Samples per pixel for a colour type.</summary>
    public static int Channels(int colorType) => colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };

    /// <summary>
    /// Writes a PNG from samples: <paramref name="samples"/>[y][x * channels + c] holds each sample value
    /// (0..2^depth-1). Rows use filter (y + pass) % 5.
    /// </summary>
    public static byte[] Write(int width, int height, int colorType, int depth, int[][] samples, bool interlaced,
        byte[]? plte = null, byte[]? trns = null, IEnumerable<(string Type, byte[] Data)>? extraChunksBeforeIdat = null,
        IEnumerable<(string Type, byte[] Data)>? extraChunksAfterIdat = null)
    {
        var raw = new MemoryStream();
        var channels = Channels(colorType);
        if (!interlaced)
        {
            WritePass(raw, samples, width, height, channels, depth, 0, 0, 1, 1, 0);
        }
        else
        {
            int[] sx = [0, 4, 0, 2, 0, 1, 0], sy = [0, 0, 4, 0, 2, 0, 1], dx = [8, 8, 4, 4, 2, 2, 1], dy = [8, 8, 8, 4, 4, 2, 2];
            for (var p = 0; p < 7; p++)
            {
                WritePass(raw, samples, width, height, channels, depth, sx[p], sy[p], dx[p], dy[p], p);
            }
        }

        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(raw.ToArray());
        }

        var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)depth;
        ihdr[9] = (byte)colorType;
        ihdr[12] = interlaced ? (byte)1 : (byte)0;
        Chunk(file, "IHDR", ihdr);
        if (plte is not null)
        {
            Chunk(file, "PLTE", plte);
        }

        if (trns is not null)
        {
            Chunk(file, "tRNS", trns);
        }

        foreach (var (type, data) in extraChunksBeforeIdat ?? [])
        {
            Chunk(file, type, data);
        }

        // Split the data over several IDAT chunks to exercise concatenation.
        var all = compressed.ToArray();
        var third = Math.Max(1, all.Length / 3);
        for (var i = 0; i < all.Length; i += third)
        {
            Chunk(file, "IDAT", all.AsSpan(i, Math.Min(third, all.Length - i)).ToArray());
        }

        foreach (var (type, data) in extraChunksAfterIdat ?? [])
        {
            Chunk(file, type, data);
        }

        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    public static void Chunk(Stream s, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        s.Write(header);
        s.Write(data);
        var crcInput = header.AsSpan(4).ToArray().Concat(data).ToArray();
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, BitwiseCrc(crcInput));
        s.Write(crc);
    }

    public static uint BitwiseCrc(byte[] data)
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

    public static byte[] Deflate(byte[] data)
    {
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            z.Write(data);
        }

        return ms.ToArray();
    }

    private static void WritePass(MemoryStream raw, int[][] samples, int width, int height, int channels, int depth,
        int x0, int y0, int dx, int dy, int pass)
    {
        var pw = x0 >= width ? 0 : (width - x0 + dx - 1) / dx;
        var ph = y0 >= height ? 0 : (height - y0 + dy - 1) / dy;
        if (pw == 0 || ph == 0)
        {
            return;
        }

        var bitsPerPixel = channels * depth;
        var rowBytes = ((pw * bitsPerPixel) + 7) / 8;
        var bpp = Math.Max(1, bitsPerPixel / 8);
        var prev = new byte[rowBytes];
        for (var py = 0; py < ph; py++)
        {
            var y = y0 + (py * dy);
            var line = new byte[rowBytes];
            var bit = 0;
            for (var px = 0; px < pw; px++)
            {
                var x = x0 + (px * dx);
                for (var c = 0; c < channels; c++)
                {
                    var v = samples[y][(x * channels) + c];
                    if (depth == 16)
                    {
                        line[bit / 8] = (byte)(v >> 8);
                        line[(bit / 8) + 1] = (byte)v;
                    }
                    else if (depth == 8)
                    {
                        line[bit / 8] = (byte)v;
                    }
                    else
                    {
                        line[bit / 8] |= (byte)(v << (8 - depth - (bit % 8)));
                    }

                    bit += depth;
                }
            }

            var filter = (py + pass) % 5;
            raw.WriteByte((byte)filter);
            for (var i = 0; i < rowBytes; i++)
            {
                int a = i >= bpp ? line[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    _ => PaethReference(a, b, c),
                };
                raw.WriteByte((byte)(line[i] - predictor));
            }

            prev = line;
        }
    }

    private static int PaethReference(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
