namespace WebDiffusion.Core.Imaging.Png;

/// <summary>A read-only stream over several slices of one buffer (the IDAT chunks), read in order without copying them together.</summary>
internal sealed class ChunkedDataStream : Stream
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly List<(int Offset, int Length)> _segments;
    private int _segment;
    private int _inSegment;

    public ChunkedDataStream(ReadOnlyMemory<byte> buffer, List<(int Offset, int Length)> segments)
    {
        _buffer = buffer;
        _segments = segments;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (buffer.Length > 0 && _segment < _segments.Count)
        {
            var (offset, length) = _segments[_segment];
            var available = length - _inSegment;
            if (available == 0)
            {
                _segment++;
                _inSegment = 0;
                continue;
            }

            var n = Math.Min(available, buffer.Length);
            _buffer.Span.Slice(offset + _inSegment, n).CopyTo(buffer);
            _inSegment += n;
            buffer = buffer[n..];
            total += n;
        }

        return total;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
