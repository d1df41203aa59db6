using System.Globalization;
using WebDiffusion.Onnx.Protos;

namespace WebDiffusion.Onnx.ModelWriter;

/// <summary>
/// Reads the signature of an ONNX model file (graph inputs, outputs, opset and the external-data files its
/// initializers point to) by walking the protobuf wire format and seeking over tensor payloads, so a
/// multi-gigabyte model is inspected without loading its weights.
/// </summary>
public static class OnnxModelInspector
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    /// <summary>
    /// Reads the signature of the model at <paramref name="path"/>. Throws <see cref="FileNotFoundException"/> when it
    /// is missing and <see cref="InvalidDataException"/> when it is not a readable ONNX model (e.g. truncated).
    /// </summary>
    public static OnnxModelSignature ReadSignature(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return Read(new WireReader(stream), path);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"'{path}' is truncated: the model ends inside a protobuf field ({ex.Message}).", ex);
        }
        catch (Exception ex) when (ex is Google.Protobuf.InvalidProtocolBufferException or FormatException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}' is not a well-formed ONNX model: {ex.Message}", ex);
        }
    }

    /// <summary>Reads the signature of a model held in memory; <paramref name="name"/> names it in errors.</summary>
    public static OnnxModelSignature ReadSignature(byte[] model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var stream = new MemoryStream(model, writable: false);
        try
        {
            return Read(new WireReader(stream), name);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"'{name}' is truncated: the model ends inside a protobuf field ({ex.Message}).", ex);
        }
        catch (Exception ex) when (ex is Google.Protobuf.InvalidProtocolBufferException or FormatException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"'{name}' is not a well-formed ONNX model: {ex.Message}", ex);
        }
    }

    private static OnnxModelSignature Read(WireReader reader, string path)
    {
        long irVersion = 0;
        long opset = 0;
        var producer = string.Empty;
        var inputs = new List<ValueInfoProto>();
        var outputs = new List<ValueInfoProto>();
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        var external = new List<OnnxExternalDataReference>();
        var sawGraph = false;
        while (!reader.AtEnd(reader.Length))
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == WireVarint:
                    irVersion = (long)reader.ReadVarint();
                    break;
                case 2 when wire == WireLengthDelimited:
                    producer = System.Text.Encoding.UTF8.GetString(reader.ReadBytes());
                    break;
                case 8 when wire == WireLengthDelimited:
                    var set = OperatorSetIdProto.Parser.ParseFrom(reader.ReadBytes());
                    if (string.IsNullOrEmpty(set.Domain) || set.Domain == "ai.onnx")
                    {
                        opset = set.Version;
                    }

                    break;
                case 7 when wire == WireLengthDelimited:
                    sawGraph = true;
                    var end = reader.ReadLength() + reader.Position;
                    ReadGraph(reader, end, inputs, outputs, initializers, external);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (!sawGraph || irVersion == 0)
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model (no {(sawGraph ? "IR version" : "graph")}).");
        }

        return new OnnxModelSignature(
            [.. inputs.Where(i => !initializers.Contains(i.Name)).Select(ToValue)],
            [.. outputs.Select(ToValue)],
            external,
            irVersion,
            opset,
            producer)
        {
            InitializerNames = initializers,
        };
    }

    private static void ReadGraph(WireReader reader, long end, List<ValueInfoProto> inputs, List<ValueInfoProto> outputs, HashSet<string> initializers, List<OnnxExternalDataReference> external)
    {
        while (!reader.AtEnd(end))
        {
            var (field, wire) = reader.ReadTag();
            if (wire != WireLengthDelimited || field is not (5 or 11 or 12))
            {
                reader.Skip(wire);
                continue;
            }

            if (field == 5)
            {
                ReadInitializer(reader, reader.ReadLength() + reader.Position, initializers, external);
            }
            else
            {
                (field == 11 ? inputs : outputs).Add(ValueInfoProto.Parser.ParseFrom(reader.ReadBytes()));
            }
        }

        reader.ExpectPosition(end);
    }

    private static void ReadInitializer(WireReader reader, long end, HashSet<string> initializers, List<OnnxExternalDataReference> external)
    {
        var name = string.Empty;
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var isExternal = false;
        while (!reader.AtEnd(end))
        {
            var (field, wire) = reader.ReadTag();
            if (field == 8 && wire == WireLengthDelimited)
            {
                name = System.Text.Encoding.UTF8.GetString(reader.ReadBytes());
            }
            else if (field == 13 && wire == WireLengthDelimited)
            {
                var entry = StringStringEntryProto.Parser.ParseFrom(reader.ReadBytes());
                entries[entry.Key] = entry.Value;
            }
            else if (field == 14 && wire == WireVarint)
            {
                isExternal = reader.ReadVarint() == 1;
            }
            else
            {
                reader.Skip(wire);
            }
        }

        reader.ExpectPosition(end);
        initializers.Add(name);
        if (isExternal && entries.TryGetValue("location", out var location))
        {
            external.Add(new OnnxExternalDataReference(
                name,
                location,
                entries.TryGetValue("offset", out var offset) ? ParseExternalNumber(name, "offset", offset) : 0,
                entries.TryGetValue("length", out var length) ? ParseExternalNumber(name, "length", length) : -1));
        }
    }

    private static long ParseExternalNumber(string tensor, string key, string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"the external-data {key} of tensor '{tensor}' is '{text}', not a byte count");

    private static OnnxValueSignature ToValue(ValueInfoProto info)
    {
        var tensor = info.Type?.TensorType;
        if (tensor is null)
        {
            return new OnnxValueSignature(info.Name, TensorElementType.Undefined, [], HasShape: false);
        }

        var dims = tensor.Shape?.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => OnnxDim.Fixed(d.DimValue),
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam when !string.IsNullOrWhiteSpace(d.DimParam) => OnnxDim.Named(d.DimParam),
            _ => OnnxDim.Named("?"),
        }).ToArray() ?? [];
        return new OnnxValueSignature(info.Name, (TensorElementType)tensor.ElemType, dims, tensor.Shape is not null);
    }

    /// <summary>A forward-only protobuf wire reader that seeks over payloads it does not need.</summary>
    private sealed class WireReader(Stream stream)
    {
        public long Length { get; } = stream.Length;

        public long Position => stream.Position;

        public bool AtEnd(long end) => stream.Position >= end;

        public (int Field, int Wire) ReadTag()
        {
            var tag = ReadVarint();
            var field = (int)(tag >> 3);
            if (field == 0)
            {
                throw new InvalidDataException($"Invalid protobuf tag 0 at byte {stream.Position}.");
            }

            return (field, (int)(tag & 7));
        }

        public ulong ReadVarint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = stream.ReadByte();
                if (b < 0)
                {
                    throw new EndOfStreamException($"end of file at byte {stream.Position}");
                }

                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new InvalidDataException($"Malformed varint at byte {stream.Position}.");
        }

        public long ReadLength()
        {
            var length = (long)ReadVarint();
            if (length < 0 || stream.Position + length > Length)
            {
                throw new EndOfStreamException($"a field of {length} bytes at byte {stream.Position} runs past the end of the file ({Length} bytes)");
            }

            return length;
        }

        public byte[] ReadBytes()
        {
            var length = ReadLength();
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            return bytes;
        }

        public void Skip(int wire)
        {
            var count = wire switch
            {
                WireVarint => -1,
                WireFixed64 => 8,
                WireFixed32 => 4,
                WireLengthDelimited => ReadLength(),
                _ => throw new InvalidDataException($"Unsupported protobuf wire type {wire} at byte {stream.Position}."),
            };
            if (count < 0)
            {
                ReadVarint();
                return;
            }

            if (stream.Position + count > Length)
            {
                throw new EndOfStreamException($"a field at byte {stream.Position} runs past the end of the file");
            }

            stream.Seek(count, SeekOrigin.Current);
        }

        public void ExpectPosition(long end)
        {
            if (stream.Position != end)
            {
                throw new InvalidDataException($"Malformed protobuf: a message meant to end at byte {end} ended at {stream.Position}.");
            }
        }
    }
}

/// <summary>The inputs, outputs and external data of an ONNX model, as read by <see cref="OnnxModelInspector"/>.</summary>
/// <param name="Inputs">Graph inputs that are not initializers, in order.</param>
/// <param name="Outputs">Graph outputs, in order.</param>
/// <param name="ExternalData">Initializers stored in external files (location relative to the model's folder).</param>
/// <param name="IrVersion">The ONNX IR version.</param>
/// <param name="Opset">The default-domain opset version (0 when not declared).</param>
/// <param name="ProducerName">The producer recorded in the model.</param>
public sealed record OnnxModelSignature(
    IReadOnlyList<OnnxValueSignature> Inputs,
    IReadOnlyList<OnnxValueSignature> Outputs,
    IReadOnlyList<OnnxExternalDataReference> ExternalData,
    long IrVersion,
    long Opset,
    string ProducerName)
{
    /// <summary>The names of the graph's initializers (weights stored in, or declared by, the model).</summary>
    public IReadOnlySet<string> InitializerNames { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The input named <paramref name="name"/>, or null.</summary>
    public OnnxValueSignature? FindInput(string name) => Inputs.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.Ordinal));

    /// <summary>The output named <paramref name="name"/>, or null.</summary>
    public OnnxValueSignature? FindOutput(string name) => Outputs.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));
}

/// <summary>One graph input or output: name, element type and dimensions (fixed or symbolic; "?" when unnamed).</summary>
/// <param name="Name">The tensor name.</param>
/// <param name="ElementType">The element type (Undefined when the value is not a tensor).</param>
/// <param name="Dims">The dimensions; empty for a scalar or when no shape is declared.</param>
/// <param name="HasShape">False when the model declares no shape at all (rank unknown).</param>
public sealed record OnnxValueSignature(string Name, TensorElementType ElementType, IReadOnlyList<OnnxDim> Dims, bool HasShape)
{
    /// <summary>The fixed size of dimension <paramref name="index"/>, or null when it is symbolic or absent.</summary>
    public long? FixedDim(int index) => index >= 0 && index < Dims.Count ? Dims[index].Value : null;

    /// <summary>The shape as text, e.g. <c>[batch,4,height,width]</c>.</summary>
    public string ShapeText => "[" + string.Join(',', Dims) + "]";
}

/// <summary>An initializer whose bytes live in an external file.</summary>
/// <param name="TensorName">The initializer name.</param>
/// <param name="Location">The file, relative to the model's folder.</param>
/// <param name="Offset">Byte offset in the file.</param>
/// <param name="Length">Byte length, or −1 when not recorded (the rest of the file).</param>
public sealed record OnnxExternalDataReference(string TensorName, string Location, long Offset, long Length);
