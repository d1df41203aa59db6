using System.Buffers.Binary;
using System.Text.Json;

namespace WebDiffusion.Core.Checkpoints.Safetensors;

/// <summary>
/// Parses and validates a safetensors header: the 8-byte little-endian length (checked against the limit and the file
/// size before anything is allocated), then the JSON object of <c>name → {dtype, shape, data_offsets}</c> and
/// <c>__metadata__</c>. Every entry is checked: known keys only, non-negative shape within the rank limit, no overflow,
/// offsets inside the data section, byte length equal to shape × dtype size, no two tensors overlapping.
/// </summary>
internal static class SafetensorsHeader
{
    internal sealed record Entry(CheckpointTensorInfo Info, long Begin);

    internal sealed record Parsed(long DataStart, IReadOnlyList<Entry> Entries, IReadOnlyDictionary<string, string> Metadata);

    public static Parsed Read(FileStream stream, string path, SafetensorsLimits limits)
    {
        var fileLength = stream.Length;
        Span<byte> prefix = stackalloc byte[8];
        if (fileLength < 8 || stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            throw new CheckpointFormatException(path, null, $"{fileLength} bytes is too short for a safetensors file (8-byte header length, then the header).");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)limits.MaxHeaderBytes)
        {
            throw new CheckpointFormatException(path, null, $"the header claims {headerLength} bytes; more than the {limits.MaxHeaderBytes}-byte limit (not a safetensors file, or a hostile one).");
        }

        if ((long)headerLength > fileLength - 8)
        {
            throw new CheckpointFormatException(path, null, $"the header claims {headerLength} bytes but the file has only {fileLength - 8} after the length.");
        }

        if (headerLength < 2)
        {
            throw new CheckpointFormatException(path, null, $"a header of {headerLength} bytes cannot hold a JSON object.");
        }

        var header = GC.AllocateUninitializedArray<byte>((int)headerLength);
        stream.ReadExactly(header);
        var dataStart = 8 + (long)headerLength;
        return Parse(header, path, dataStart, fileLength - dataStart, limits);
    }

    private static Parsed Parse(byte[] header, string path, long dataStart, long dataLength, SafetensorsLimits limits)
    {
        if (header[0] != (byte)'{')
        {
            throw new CheckpointFormatException(path, null, "the header does not start with '{' (not a safetensors file).");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new CheckpointFormatException(path, null, $"the header is not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException(path, null, "the header is not a JSON object.");
            }

            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                {
                    throw new CheckpointFormatException(path, property.Name, "the key appears twice in the header.");
                }

                if (property.Name == "__metadata__")
                {
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }

                if (entries.Count >= limits.MaxTensors)
                {
                    throw new CheckpointFormatException(path, null, $"more than {limits.MaxTensors} tensors.");
                }

                entries.Add(ParseEntry(path, property, dataLength, limits));
            }

            CheckNoOverlap(path, entries);
            return new Parsed(dataStart, entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException(path, "__metadata__", "is not a JSON object of strings.");
        }

        foreach (var item in value.EnumerateObject())
        {
            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
        }
    }

    private static Entry ParseEntry(string path, JsonProperty property, long dataLength, SafetensorsLimits limits)
    {
        var key = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException(path, key, "the entry is not a JSON object.");
        }

        string? dtypeName = null;
        long[]? shape = null;
        long[]? offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when field.Value.ValueKind == JsonValueKind.String:
                    dtypeName = field.Value.GetString();
                    break;
                case "shape":
                    shape = ReadIntegers(path, key, field.Value, "shape", limits.MaxRank);
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(path, key, field.Value, "data_offsets", 2);
                    break;
                default:
                    throw new CheckpointFormatException(path, key, $"unexpected field '{field.Name}' (or a dtype that is not a string).");
            }
        }

        if (dtypeName is null || shape is null || offsets is null)
        {
            throw new CheckpointFormatException(path, key, "needs 'dtype', 'shape' and 'data_offsets'.");
        }

        if (offsets.Length != 2 || offsets[1] < offsets[0])
        {
            throw new CheckpointFormatException(path, key, $"data_offsets [{string.Join(", ", offsets)}] are not [begin, end] with begin ≤ end.");
        }

        if (offsets[1] > dataLength)
        {
            throw new CheckpointFormatException(path, key, $"data_offsets [{offsets[0]}, {offsets[1]}] run past the end of the {dataLength}-byte data section.");
        }

        var dtype = TensorDTypes.FromSafetensorsName(dtypeName);
        var byteLength = offsets[1] - offsets[0];
        var info = new CheckpointTensorInfo(key, dtype, dtypeName, shape, byteLength);
        var size = TensorDTypes.SizeOf(dtype);
        if (size > 0)
        {
            long count = 1;
            foreach (var dim in shape)
            {
                if (dim != 0 && count > long.MaxValue / dim / size)
                {
                    throw new CheckpointFormatException(path, key, $"shape {info.ShapeText} is impossibly large.");
                }

                count *= dim;
            }

            if (count * size != byteLength)
            {
                throw new CheckpointFormatException(path, key, $"{dtypeName} {info.ShapeText} needs {count * size} bytes but data_offsets give {byteLength}.");
            }
        }

        return new Entry(info, offsets[0]);
    }

    private static long[] ReadIntegers(string path, string key, JsonElement value, string field, int maxCount)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointFormatException(path, key, $"'{field}' is not an array.");
        }

        var count = value.GetArrayLength();
        if (count > maxCount)
        {
            throw new CheckpointFormatException(path, key, $"'{field}' has {count} entries; at most {maxCount} accepted.");
        }

        var result = new long[count];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < 0)
            {
                throw new CheckpointFormatException(path, key, $"'{field}' entry {item.GetRawText()} is not a non-negative 64-bit integer.");
            }

            result[i++] = number;
        }

        return result;
    }

    private static void CheckNoOverlap(string path, List<Entry> entries)
    {
        var ordered = entries.Where(e => e.Info.ByteLength > 0).OrderBy(e => e.Begin).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var previous = ordered[i - 1];
            if (ordered[i].Begin < previous.Begin + previous.Info.ByteLength)
            {
                throw new CheckpointFormatException(path, ordered[i].Info.Name, $"its data overlaps tensor '{previous.Info.Name}'.");
            }
        }
    }
}
