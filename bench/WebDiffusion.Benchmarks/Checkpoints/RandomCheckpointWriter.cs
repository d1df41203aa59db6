using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace WebDiffusion.Benchmarks.Checkpoints;

/// <summary>
/// Writes a safetensors file of random float16 tensors, streamed (a few MiB in memory at a time): weights of rank ≥ 2
/// uniform with variance 1/fan_in, 1-D <c>.weight</c> (norm scales) near 1, biases near 0. Deterministic per seed.
/// </summary>
public static class RandomCheckpointWriter
{
    public static long Write(string path, IReadOnlyList<(string Name, long[] Shape)> tensors, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        foreach (var (name, shape) in tensors)
        {
            var bytes = 2 * shape.Aggregate(1L, (a, b) => a * b);
            header.Append(CultureInfo.InvariantCulture,
                $",\"{name}\":{{\"dtype\":\"F16\",\"shape\":[{string.Join(',', shape)}],\"data_offsets\":[{offset},{offset + bytes}]}}");
            offset += bytes;
        }

        header.Append('}');
        while (Encoding.UTF8.GetByteCount(header.ToString()) % 8 != 0)
        {
            header.Append(' ');
        }

        var headerBytes = Encoding.UTF8.GetBytes(header.ToString());
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
        stream.Write(length);
        stream.Write(headerBytes);
        var state = seed | 1;
        var buffer = new byte[1 << 22];
        foreach (var (name, shape) in tensors)
        {
            var count = shape.Aggregate(1L, (a, b) => a * b);
            var (center, halfWidth) = shape.Length >= 2
                ? (0f, MathF.Sqrt(3f / (count / shape[0])))
                : name.EndsWith(".weight", StringComparison.Ordinal) ? (1f, 0.1f) : (0f, 0.05f);
            for (long done = 0; done < count;)
            {
                var n = (int)Math.Min(count - done, buffer.Length / 2);
                for (var i = 0; i < n; i++)
                {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    var unit = ((state >> 40) * (1.0f / (1 << 24) * 2f)) - 1f;
                    BinaryPrimitives.WriteHalfLittleEndian(buffer.AsSpan(i * 2), (Half)(center + (halfWidth * unit)));
                }

                stream.Write(buffer, 0, n * 2);
                done += n;
            }
        }

        return stream.Length;
    }
}
