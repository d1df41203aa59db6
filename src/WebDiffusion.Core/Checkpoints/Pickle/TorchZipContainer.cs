using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace WebDiffusion.Core.Checkpoints.Pickle;

/// <summary>
/// Reads the central directory of a zip file (zip64 included, as <c>torch.save</c> writes for large files) and the bytes of
/// single entries, each bounded by a caller's limit so a deflate bomb is refused after at most limit + 1 bytes.
/// </summary>
public static class TorchZipContainer
{
    /// <summary>The most entries a container may list.</summary>
    public const int MaxEntries = 1_000_000;

    private const uint EndSignature = 0x06054b50;
    private const uint End64LocatorSignature = 0x07064b50;
    private const uint End64Signature = 0x06064b50;
    private const uint CentralSignature = 0x02014b50;
    private const uint LocalSignature = 0x04034b50;

    /// <summary>Whether <paramref name="stream"/> starts with a zip local header.</summary>
    public static bool LooksLikeZip(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> head = stackalloc byte[4];
        stream.Position = 0;
        var read = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        stream.Position = 0;
        return read == 4 && BinaryPrimitives.ReadUInt32LittleEndian(head) == LocalSignature;
    }

    /// <summary>The entries of the container, in central-directory order.</summary>
    /// <exception cref="TorchZipException">The directory is missing, truncated or inconsistent with the file size.</exception>
    public static IReadOnlyList<TorchZipEntry> ReadEntries(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var length = stream.Length;
        var tailLength = (int)Math.Min(length, 65_557);
        var tail = ReadAt(stream, length - tailLength, tailLength);
        var end = -1;
        for (var i = tail.Length - 22; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) == EndSignature)
            {
                end = i;
                break;
            }
        }

        if (end < 0)
        {
            throw new TorchZipException("No zip end-of-central-directory record.");
        }

        long count = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(end + 10));
        long directorySize = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end + 12));
        long directoryOffset = BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end + 16));
        if (end >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(end - 20)) == End64LocatorSignature)
        {
            var end64Offset = BinaryPrimitives.ReadInt64LittleEndian(tail.AsSpan(end - 12));
            CheckRange(end64Offset, 56, length, "zip64 end record");
            var end64 = ReadAt(stream, end64Offset, 56);
            if (BinaryPrimitives.ReadUInt32LittleEndian(end64) != End64Signature)
            {
                throw new TorchZipException("The zip64 end record has a bad signature.");
            }

            count = BinaryPrimitives.ReadInt64LittleEndian(end64.AsSpan(32));
            directorySize = BinaryPrimitives.ReadInt64LittleEndian(end64.AsSpan(40));
            directoryOffset = BinaryPrimitives.ReadInt64LittleEndian(end64.AsSpan(48));
        }

        if (count < 0 || count > MaxEntries)
        {
            throw new TorchZipException($"The zip lists {count} entries (at most {MaxEntries}).");
        }

        CheckRange(directoryOffset, directorySize, length, "central directory");
        if (directorySize > int.MaxValue)
        {
            throw new TorchZipException("The central directory is larger than 2 GiB.");
        }

        var directory = ReadAt(stream, directoryOffset, (int)directorySize);
        var entries = new List<TorchZipEntry>((int)Math.Min(count, 4096));
        var at = 0;
        for (long n = 0; n < count; n++)
        {
            if (at + 46 > directory.Length || BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(at)) != CentralSignature)
            {
                throw new TorchZipException($"Central directory entry {n} is truncated or has a bad signature.");
            }

            var span = directory.AsSpan(at);
            int method = BinaryPrimitives.ReadUInt16LittleEndian(span[10..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(span[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(span[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(span[32..]);
            long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[42..]);
            if (at + 46 + nameLength + extraLength + commentLength > directory.Length)
            {
                throw new TorchZipException($"Central directory entry {n} runs past the directory.");
            }

            var name = Encoding.UTF8.GetString(span.Slice(46, nameLength));
            ReadZip64Extra(span.Slice(46 + nameLength, extraLength), ref size, ref compressed, ref localOffset);
            CheckRange(localOffset, 30, length, $"entry '{name}'");
            CheckRange(localOffset, compressed, length, $"entry '{name}'");
            entries.Add(new TorchZipEntry(name, method, compressed, size, localOffset));
            at += 46 + nameLength + extraLength + commentLength;
        }

        return entries;
    }

    /// <summary>The bytes of <paramref name="entry"/>, refusing any entry that is (or inflates to) more than <paramref name="maxBytes"/>.</summary>
    /// <exception cref="TorchZipException">The entry is too large, truncated, or uses a compression method other than stored/deflate.</exception>
    public static byte[] ReadEntry(Stream stream, TorchZipEntry entry, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Size > maxBytes || entry.Size > Array.MaxLength)
        {
            throw new TorchZipException($"Entry '{entry.Name}' is {entry.Size} bytes (limit {maxBytes}).");
        }

        var dataOffset = DataOffset(stream, entry);
        if (entry.Method == 0)
        {
            if (entry.CompressedSize != entry.Size)
            {
                throw new TorchZipException($"Stored entry '{entry.Name}' has different stored and declared sizes.");
            }

            return ReadAt(stream, dataOffset, (int)entry.Size);
        }

        if (entry.Method != 8)
        {
            throw new TorchZipException($"Entry '{entry.Name}' uses compression method {entry.Method} (only stored and deflate are read).");
        }

        stream.Position = dataOffset;
        using var window = new BoundedReadStream(stream, entry.CompressedSize);
        using var inflater = new DeflateStream(window, CompressionMode.Decompress, leaveOpen: true);
        var result = new byte[entry.Size];
        var read = inflater.ReadAtLeast(result, result.Length, throwOnEndOfStream: false);
        Span<byte> probe = stackalloc byte[1];
        if (read != result.Length || inflater.Read(probe) != 0)
        {
            throw new TorchZipException($"Entry '{entry.Name}' does not inflate to its declared {entry.Size} bytes.");
        }

        return result;
    }

    /// <summary>Offset of an entry's first data byte (after its local header, name and extra field).</summary>
    public static long DataOffset(Stream stream, TorchZipEntry entry)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(entry);
        var header = ReadAt(stream, entry.LocalHeaderOffset, 30);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != LocalSignature)
        {
            throw new TorchZipException($"Entry '{entry.Name}' has a bad local header.");
        }

        var offset = entry.LocalHeaderOffset + 30 + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(26)) + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28));
        CheckRange(offset, entry.CompressedSize, stream.Length, $"entry '{entry.Name}'");
        return offset;
    }

    private static void ReadZip64Extra(ReadOnlySpan<byte> extra, ref long size, ref long compressed, ref long localOffset)
    {
        while (extra.Length >= 4)
        {
            int id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (4 + length > extra.Length)
            {
                throw new TorchZipException("A zip extra field runs past its entry.");
            }

            if (id == 1)
            {
                var field = extra.Slice(4, length);
                if (size == uint.MaxValue && field.Length >= 8)
                {
                    size = BinaryPrimitives.ReadInt64LittleEndian(field);
                    field = field[8..];
                }

                if (compressed == uint.MaxValue && field.Length >= 8)
                {
                    compressed = BinaryPrimitives.ReadInt64LittleEndian(field);
                    field = field[8..];
                }

                if (localOffset == uint.MaxValue && field.Length >= 8)
                {
                    localOffset = BinaryPrimitives.ReadInt64LittleEndian(field);
                }
            }

            extra = extra[(4 + length)..];
        }
    }

    private static void CheckRange(long offset, long count, long length, string what)
    {
        if (offset < 0 || count < 0 || offset > length || count > length - offset)
        {
            throw new TorchZipException($"The {what} lies outside the file ({offset} + {count} > {length}).");
        }
    }

    private static byte[] ReadAt(Stream stream, long offset, int count)
    {
        var buffer = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(buffer);
        return buffer;
    }
}
