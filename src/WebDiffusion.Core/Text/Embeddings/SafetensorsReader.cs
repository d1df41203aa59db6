using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace WebDiffusion.Core.Text.Embeddings;

/// <summary>
/// Minimal safetensors reader: 8-byte little-endian header length, a JSON header of
/// <c>name → {dtype, shape, data_offsets}</c> (plus optional <c>__metadata__</c>), then raw little-endian data.
/// Reads tensors as float32 from F32, F16 or BF16. Every offset is checked against the file size.
/// </summary>
public sealed class SafetensorsReader
{
    /// <summary>Largest header accepted (the format's own limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    private readonly string _path;
    private readonly long _dataStart;

    private SafetensorsReader(string path, long dataStart, IReadOnlyList<SafetensorsTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        _path = path;
        _dataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>The tensors in header order.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> string map (empty if absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads and validates the header of <paramref name="path"/>.</summary>
    /// <exception cref="SafetensorsFormatException">The file is not a valid safetensors file.</exception>
    public static SafetensorsReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        var fileLength = stream.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (fileLength < 8 || stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
        {
            throw new SafetensorsFormatException($"{path}: too short to be a safetensors file.");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
        {
            throw new SafetensorsFormatException($"{path}: header length {headerLength} is invalid for a {fileLength}-byte file.");
        }

        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataStart = 8 + (long)headerLength;
        var dataLength = fileLength - dataStart;
        var tensors = new List<SafetensorsTensorInfo>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(header);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SafetensorsFormatException($"{path}: the header is not a JSON object.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var item in property.Value.EnumerateObject())
                        {
                            metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
                        }
                    }

                    continue;
                }

                tensors.Add(ParseTensor(path, property, dataLength));
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new SafetensorsFormatException($"{path}: malformed header ({ex.Message}).", ex);
        }

        return new SafetensorsReader(path, dataStart, tensors, metadata);
    }

    /// <summary>Reads a tensor as float32 (from F32, F16 or BF16).</summary>
    /// <exception cref="SafetensorsFormatException">Unsupported dtype or inconsistent size.</exception>
    public float[] ReadFloat32(SafetensorsTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var elementSize = tensor.DType switch
        {
            "F32" => 4,
            "F16" or "BF16" => 2,
            _ => throw new SafetensorsFormatException($"{_path}: tensor '{tensor.Name}' has dtype {tensor.DType}; only F32, F16 and BF16 are supported."),
        };
        var count = tensor.ElementCount;
        if (count * elementSize != tensor.End - tensor.Begin || count > Array.MaxLength)
        {
            throw new SafetensorsFormatException($"{_path}: tensor '{tensor.Name}' shape [{string.Join(", ", tensor.Shape)}] does not match its {tensor.End - tensor.Begin} data bytes.");
        }

        var raw = new byte[tensor.End - tensor.Begin];
        using (var stream = File.OpenRead(_path))
        {
            stream.Position = _dataStart + tensor.Begin;
            stream.ReadExactly(raw);
        }

        var result = new float[count];
        switch (tensor.DType)
        {
            case "F32":
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4));
                }

                break;
            case "F16":
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw.AsSpan(i * 2));
                }

                break;
            default:
                var bits = MemoryMarshal.Cast<byte, ushort>(raw);
                for (var i = 0; i < result.Length; i++)
                {
                    var value = BitConverter.IsLittleEndian ? bits[i] : BinaryPrimitives.ReverseEndianness(bits[i]);
                    result[i] = BitConverter.Int32BitsToSingle(value << 16);
                }

                break;
        }

        return result;
    }

    private static SafetensorsTensorInfo ParseTensor(string path, JsonProperty property, long dataLength)
    {
        var value = property.Value;
        var dtype = value.GetProperty("dtype").GetString() ?? throw new SafetensorsFormatException($"{path}: tensor '{property.Name}' has no dtype.");
        var shape = value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        if (shape.Any(d => d < 0) || offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
        {
            throw new SafetensorsFormatException($"{path}: tensor '{property.Name}' has an invalid shape or data offsets.");
        }

        var info = new SafetensorsTensorInfo(property.Name, dtype, shape, offsets[0], offsets[1]);
        try
        {
            _ = info.ElementCount;
        }
        catch (OverflowException ex)
        {
            throw new SafetensorsFormatException($"{path}: tensor '{property.Name}' has an impossibly large shape.", ex);
        }

        return info;
    }
}
