using System.Buffers;

namespace WebDiffusion.Core.Imaging.Resize;

/// <summary>
/// Separable resampling of interleaved 8-bit images with PIL's filters and box semantics. RGBA images with any
/// transparency are resized premultiplied, as PIL does, so transparent pixels do not bleed their colour.
/// </summary>
public static class Resampler
{
    /// <summary>Resizes an RGBA image to <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static RgbaImage Resize(RgbaImage source, int width, int height, ResampleFilter filter)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Resize(source, new SourceBox(0, 0, source.Width, source.Height), width, height, filter);
    }

    /// <summary>Resizes the region <paramref name="box"/> of an RGBA image (PIL <c>resize(size, box=...)</c>; the box may be degenerate, e.g. an edge line).</summary>
    public static RgbaImage Resize(RgbaImage source, SourceBox box, int width, int height, ResampleFilter filter)
    {
        ArgumentNullException.ThrowIfNull(source);
        var result = new RgbaImage(width, height);
        ResizeInterleaved(source.Pixels, source.Width, source.Height, 4, box, result.Pixels, width, height, filter, premultiply: !source.IsOpaque());
        return result;
    }

    /// <summary>Resizes a single-channel image.</summary>
    public static GrayImage Resize(GrayImage source, int width, int height, ResampleFilter filter)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Resize(source, new SourceBox(0, 0, source.Width, source.Height), width, height, filter);
    }

    /// <summary>Resizes the region <paramref name="box"/> of a single-channel image.</summary>
    public static GrayImage Resize(GrayImage source, SourceBox box, int width, int height, ResampleFilter filter)
    {
        ArgumentNullException.ThrowIfNull(source);
        var result = new GrayImage(width, height);
        ResizeInterleaved(source.Pixels, source.Width, source.Height, 1, box, result.Pixels, width, height, filter, premultiply: false);
        return result;
    }

    /// <summary>
    /// Resizes interleaved 8-bit pixels with <paramref name="channels"/> channels into <paramref name="destination"/>.
    /// With <paramref name="premultiply"/> the last channel is alpha and colours are weighted by it.
    /// </summary>
    public static void ResizeInterleaved(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, int channels, SourceBox box,
        Span<byte> destination, int width, int height, ResampleFilter filter, bool premultiply)
    {
        ImageGuard.CheckSize(sourceWidth, sourceHeight);
        ImageGuard.CheckSize(width, height);
        if (channels is < 1 or > 4 || source.Length < sourceWidth * sourceHeight * channels || destination.Length < width * height * channels)
        {
            throw new ArgumentException("Source or destination buffer does not match the given sizes and channel count.", nameof(source));
        }

        if (filter == ResampleFilter.Nearest)
        {
            ResizeNearest(source, sourceWidth, sourceHeight, channels, box, destination, width, height);
            return;
        }

        var horizontal = ResampleCoefficients.Create(sourceWidth, box.Left, box.Right, width, filter);
        var vertical = ResampleCoefficients.Create(sourceHeight, box.Top, box.Bottom, height, filter);

        // Only the source rows the vertical pass reads are resampled horizontally.
        var rowMin = vertical.Starts[0];
        var rowMax = 0;
        for (var i = 0; i < height; i++)
        {
            rowMin = Math.Min(rowMin, vertical.Starts[i]);
            rowMax = Math.Max(rowMax, vertical.Starts[i] + vertical.Counts[i]);
        }

        rowMax = Math.Max(rowMax, rowMin + 1);
        var rows = rowMax - rowMin;
        var tempLength = rows * width * channels;
        var temp = ArrayPool<float>.Shared.Rent(tempLength);
        try
        {
            HorizontalPass(source, sourceWidth, channels, rowMin, rows, temp, width, horizontal, premultiply);
            VerticalPass(temp, rowMin, width, channels, destination, height, vertical, premultiply);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(temp);
        }
    }

    private static void HorizontalPass(ReadOnlySpan<byte> source, int sourceWidth, int channels, int rowMin, int rows,
        float[] temp, int width, ResampleCoefficients c, bool premultiply)
    {
        var taps = c.Taps;
        Span<float> acc = stackalloc float[4];
        for (var r = 0; r < rows; r++)
        {
            var srcRow = source.Slice((rowMin + r) * sourceWidth * channels, sourceWidth * channels);
            var dstRow = temp.AsSpan(r * width * channels, width * channels);
            for (var x = 0; x < width; x++)
            {
                acc.Clear();
                var start = c.Starts[x];
                var count = c.Counts[x];
                var w = c.Weights.AsSpan(x * taps, count);
                for (var t = 0; t < count; t++)
                {
                    var p = (start + t) * channels;
                    var weight = w[t];
                    if (premultiply)
                    {
                        var a = srcRow[p + channels - 1] * weight;
                        for (var ch = 0; ch < channels - 1; ch++)
                        {
                            acc[ch] += srcRow[p + ch] * a;
                        }

                        acc[channels - 1] += a;
                    }
                    else
                    {
                        for (var ch = 0; ch < channels; ch++)
                        {
                            acc[ch] += srcRow[p + ch] * weight;
                        }
                    }
                }

                for (var ch = 0; ch < channels; ch++)
                {
                    dstRow[(x * channels) + ch] = acc[ch];
                }
            }
        }
    }

    private static void VerticalPass(float[] temp, int rowMin, int width, int channels, Span<byte> destination, int height,
        ResampleCoefficients c, bool premultiply)
    {
        var taps = c.Taps;
        var rowLength = width * channels;
        var line = ArrayPool<float>.Shared.Rent(rowLength);
        try
        {
            for (var y = 0; y < height; y++)
            {
                var acc = line.AsSpan(0, rowLength);
                acc.Clear();
                var start = c.Starts[y] - rowMin;
                var count = c.Counts[y];
                for (var t = 0; t < count; t++)
                {
                    var weight = c.Weights[(y * taps) + t];
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(temp.AsSpan((start + t) * rowLength, rowLength), weight, acc, acc);
                }

                var dst = destination.Slice(y * rowLength, rowLength);
                if (!premultiply)
                {
                    for (var i = 0; i < rowLength; i++)
                    {
                        dst[i] = ToByte(acc[i]);
                    }

                    continue;
                }

                // Premultiplied: colour sums are value × alpha; the alpha sum is alpha.
                for (var x = 0; x < width; x++)
                {
                    var o = x * channels;
                    var alpha = acc[o + channels - 1];
                    dst[o + channels - 1] = ToByte(alpha);
                    for (var ch = 0; ch < channels - 1; ch++)
                    {
                        dst[o + ch] = alpha > 1e-3f ? ToByte(acc[o + ch] / alpha) : (byte)0;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(line);
        }
    }

    private static void ResizeNearest(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, int channels, SourceBox box,
        Span<byte> destination, int width, int height)
    {
        var sx = (box.Right - box.Left) / width;
        var sy = (box.Bottom - box.Top) / height;
        for (var y = 0; y < height; y++)
        {
            var srcY = Math.Clamp((int)Math.Floor(box.Top + ((y + 0.5) * sy)), 0, sourceHeight - 1);
            for (var x = 0; x < width; x++)
            {
                var srcX = Math.Clamp((int)Math.Floor(box.Left + ((x + 0.5) * sx)), 0, sourceWidth - 1);
                source.Slice(((srcY * sourceWidth) + srcX) * channels, channels).CopyTo(destination[(((y * width) + x) * channels)..]);
            }
        }
    }

    private static byte ToByte(float v) => v <= 0f ? (byte)0 : v >= 255f ? (byte)255 : (byte)(v + 0.5f);
}
