using System.IO.Compression;

namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Inflates zlib data with a hard cap on the output size (zip-bomb guard).</summary>
internal static class BoundedInflater
{
    /// <summary>Inflates <paramref name="compressed"/>; throws <see cref="ImageTooLargeException"/> as soon as the output passes <paramref name="maxBytes"/>.</summary>
    public static byte[] Inflate(ReadOnlyMemory<byte> compressed, int maxBytes, string what)
    {
        using var source = new ChunkedDataStream(compressed, [(0, compressed.Length)]);
        using var zlib = new ZLibStream(source, CompressionMode.Decompress);
        var buffer = new byte[Math.Min(Math.Max(compressed.Length * 4, 256), maxBytes + 1)];
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > maxBytes)
                    {
                        throw new ImageTooLargeException($"The {what} inflates to more than {maxBytes} bytes; refused (a compression bomb or an oversized chunk).");
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxBytes + 1L));
                }

                var n = zlib.Read(buffer, total, buffer.Length - total);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidImageException($"The {what} is corrupt: its compressed data cannot be inflated.", ex);
        }

        if (total > maxBytes)
        {
            throw new ImageTooLargeException($"The {what} inflates to more than {maxBytes} bytes; refused (a compression bomb or an oversized chunk).");
        }

        Array.Resize(ref buffer, total);
        return buffer;
    }
}
