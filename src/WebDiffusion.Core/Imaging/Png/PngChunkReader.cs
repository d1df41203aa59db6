using System.Buffers.Binary;

namespace WebDiffusion.Core.Imaging.Png;

/// <summary>Walks the chunks of a PNG buffer after the signature, checking lengths and CRCs.</summary>
internal ref struct PngChunkReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public PngChunkReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 8;
    }

    /// <summary>True at the end of the buffer on a chunk boundary.</summary>
    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next chunk; throws <see cref="InvalidImageException"/> when it is cut off or its CRC is wrong.</summary>
    public bool TryNext(out PngChunk chunk)
    {
        chunk = default;
        if (_position >= _data.Length)
        {
            return false;
        }

        if (_data.Length - _position < 12)
        {
            throw new InvalidImageException("The PNG file is truncated: it ends inside a chunk header.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(_data[_position..]);
        var type = BinaryPrimitives.ReadUInt32BigEndian(_data[(_position + 4)..]);
        if (length > int.MaxValue || length > (uint)(_data.Length - _position - 12))
        {
            var found = new PngChunk(type, 0, 0);
            throw new InvalidImageException($"The PNG file is truncated or corrupt: chunk '{found.TypeName}' claims {length} bytes but the file ends first.");
        }

        var dataOffset = _position + 8;
        var crcStored = BinaryPrimitives.ReadUInt32BigEndian(_data[(dataOffset + (int)length)..]);
        var crc = PngCrc32.Compute(_data.Slice(_position + 4, (int)length + 4));
        chunk = new PngChunk(type, dataOffset, (int)length);
        if (crc != crcStored)
        {
            throw new InvalidImageException($"The PNG file is corrupt: the checksum of chunk '{chunk.TypeName}' does not match.");
        }

        _position = dataOffset + (int)length + 4;
        return true;
    }
}
