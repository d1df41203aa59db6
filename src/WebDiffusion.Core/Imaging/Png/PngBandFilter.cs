using System.Buffers;

namespace WebDiffusion.Core.Imaging.Png;

/// <summary>
/// Filters bands of an image's rows into PNG scanlines (filter byte + filtered row), with pooled buffers reused from
/// band to band. A band needs only its own rows and the row above it, so bands can be filtered independently.
/// </summary>
internal sealed class PngBandFilter : IDisposable
{
    private readonly bool _alpha;
    private readonly int _channels;
    private readonly int _rowBytes;
    private readonly int _stride;
    private readonly byte[] _packed;
    private readonly byte[] _filtered;
    private readonly byte[]? _candidates;

    /// <summary>Buffers for bands of up to <paramref name="bandRows"/> rows of an image <paramref name="width"/> pixels wide.</summary>
    public PngBandFilter(int width, bool alpha, int bandRows, bool adaptive)
    {
        _alpha = alpha;
        _channels = alpha ? 4 : 3;
        _rowBytes = width * _channels;
        _stride = _rowBytes + 1;
        var pool = ArrayPool<byte>.Shared;

        // RGB rows are packed here: slot 0 is the row above the band (zeros above the first row), slots 1..n the band.
        // RGBA rows are the image's own; slot 0 then only serves as the zero row above the first.
        _packed = pool.Rent((alpha ? 1 : bandRows + 1) * _rowBytes);
        _filtered = pool.Rent(bandRows * _stride);
        _candidates = adaptive ? pool.Rent(PngFilterKernels.CandidateCount * _rowBytes) : null;
    }

    /// <summary>Filters rows <paramref name="y0"/> to <paramref name="y0"/> + <paramref name="rows"/> − 1; the result lives until the next call.</summary>
    public ReadOnlySpan<byte> Filter(RgbaImage image, int y0, int rows)
    {
        var zeros = _packed.AsSpan(0, _rowBytes);
        if (_alpha || y0 == 0)
        {
            zeros.Clear();
        }
        else
        {
            PngFilterKernels.RgbaToRgb(image.Row(y0 - 1), zeros);
        }

        for (var r = 0; r < rows; r++)
        {
            var y = y0 + r;
            ReadOnlySpan<byte> row, previous;
            if (_alpha)
            {
                row = image.Row(y);
                previous = y == 0 ? zeros : image.Row(y - 1);
            }
            else
            {
                var slot = _packed.AsSpan((r + 1) * _rowBytes, _rowBytes);
                PngFilterKernels.RgbaToRgb(image.Row(y), slot);
                row = slot;
                previous = _packed.AsSpan(r * _rowBytes, _rowBytes);
            }

            FilterRow(row, previous, _filtered.AsSpan(r * _stride, _stride));
        }

        return _filtered.AsSpan(0, rows * _stride);
    }

    /// <summary>Returns the buffers to the pool.</summary>
    public void Dispose()
    {
        var pool = ArrayPool<byte>.Shared;
        pool.Return(_packed);
        pool.Return(_filtered);
        if (_candidates is not null)
        {
            pool.Return(_candidates);
        }
    }

    /// <summary>Writes the filter byte and the filtered row into <paramref name="destination"/> (row length + 1).</summary>
    private void FilterRow(ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, Span<byte> destination)
    {
        if (_candidates is null)
        {
            destination[0] = (byte)PngFilterType.None;
            row.CopyTo(destination[1..]);
            return;
        }

        var filter = PngFilterKernels.FilterAll(row, previous, _channels, _candidates);
        destination[0] = (byte)filter;
        var chosen = filter == PngFilterType.None ? row : PngFilterKernels.Candidate(_candidates, filter, row.Length);
        chosen.CopyTo(destination[1..]);
    }
}
