using System.Buffers.Binary;

namespace WebDiffusion.Core.Imaging.Png;

/// <summary>A write-only stream that packs what is written into IDAT chunks of at most 64 KiB on the output.</summary>
internal sealed class IdatWriterStream : Stream
{
    private const int ChunkSize = 65536;
    private readonly Stream _output;
    private readonly byte[] _buffer = new byte[ChunkSize + 12];
    private int _count;

    public IdatWriterStream(Stream output)
    {
        _output = output;
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var n = Math.Min(ChunkSize - _count, buffer.Length);
            buffer[..n].CopyTo(_buffer.AsSpan(8 + _count));
            _count += n;
            buffer = buffer[n..];
            if (_count == ChunkSize)
            {
                EmitChunk();
            }
        }
    }

    /// <summary>Writes what is buffered as a final IDAT chunk.</summary>
    public void Complete()
    {
        if (_count > 0)
        {
            EmitChunk();
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void EmitChunk()
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer, (uint)_count);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(4), PngChunk.Idat);
        var crc = PngCrc32.Compute(_buffer.AsSpan(4, _count + 4));
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(8 + _count), crc);
        _output.Write(_buffer, 0, _count + 12);
        _count = 0;
    }
}
