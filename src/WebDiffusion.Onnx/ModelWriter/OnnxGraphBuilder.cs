using System.Globalization;
using Google.Protobuf;
using WebDiffusion.Onnx.Protos;

namespace WebDiffusion.Onnx.ModelWriter;

/// <summary>
/// Builds an ONNX model (graph inputs, outputs, initializers, nodes, opset imports) and writes it to a
/// file, optionally with large initializers in an external weights file beside it. Used to generate the
/// tiny test models and, later, graphs built from checkpoints.
/// </summary>
public sealed class OnnxGraphBuilder
{
    /// <summary>The ONNX IR version written (IR 8 goes with opset 17).</summary>
    public const long IrVersion = 8;

    private readonly GraphProto _graph;
    private readonly ModelProto _model;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    /// <summary>Starts a graph named <paramref name="name"/> importing the default ONNX domain at <paramref name="opset"/>.</summary>
    public OnnxGraphBuilder(string name, int opset = 17)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _graph = new GraphProto { Name = name };
        _model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "WebDiffusion",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString(3) ?? "0",
            Graph = _graph,
        };
        _model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = opset });
    }

    /// <summary>Names of the graph inputs, in order.</summary>
    public IReadOnlyList<string> InputNames => [.. _graph.Input.Select(i => i.Name)];

    /// <summary>Names of the graph outputs, in order.</summary>
    public IReadOnlyList<string> OutputNames => [.. _graph.Output.Select(o => o.Name)];

    /// <summary>Number of nodes added so far.</summary>
    public int NodeCount => _graph.Node.Count;

    /// <summary>Total bytes of all initializers.</summary>
    public long InitializerBytes => _graph.Initializer.Sum(t => (long)t.RawData.Length);

    /// <summary>Declares a graph input.</summary>
    public string Input(string name, TensorElementType type, params OnnxDim[] shape)
    {
        _graph.Input.Add(ValueInfo(Claim(name), type, shape));
        return name;
    }

    /// <summary>Declares a graph output (a value some node produces).</summary>
    public string Output(string name, TensorElementType type, params OnnxDim[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _graph.Output.Add(ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>Adds a constant weight tensor under <paramref name="name"/>.</summary>
    public string Initializer(string name, OnnxTensorData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _graph.Initializer.Add(data.ToProto(Claim(name)));
        return name;
    }

    /// <summary>
    /// Declares a weight whose data the session receives at load time (<see cref="OrtInitializer"/>), not stored in the
    /// model: an initializer with type and shape and no data, which the supplied value replaces.
    /// </summary>
    public string SuppliedInitializer(string name, TensorElementType type, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var proto = new TensorProto { Name = Claim(name), DataType = (int)type };
        proto.Dims.AddRange(shape);
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>
    /// Declares a weight stored in another file: <paramref name="length"/> bytes at <paramref name="offset"/> of
    /// <paramref name="location"/> (a file name relative to the folder ORT resolves external data against: the model's
    /// folder, or <c>session.model_external_initializers_file_folder_path</c> for a model loaded from memory). ORT maps or
    /// reads the bytes when the session is created; nothing is copied into the protobuf.
    /// </summary>
    public string ExternalInitializer(string name, TensorElementType type, IReadOnlyList<long> shape, string location, long offset, long length)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        var proto = new TensorProto { Name = Claim(name), DataType = (int)type, DataLocation = TensorProto.Types.DataLocation.External };
        proto.Dims.AddRange(shape);
        proto.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        proto.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
        proto.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(CultureInfo.InvariantCulture) });
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Adds a constant weight tensor under a fresh name starting with <paramref name="prefix"/>.</summary>
    public string Constant(OnnxTensorData data, string prefix = "const") => Initializer(UniqueName(prefix), data);

    /// <summary>Adds a scalar float constant (shape []) and returns its name.</summary>
    public string Scalar(float value) => Constant(OnnxTensorData.FromFloats([value]), "scalar");

    /// <summary>Adds a node with explicit output names.</summary>
    public void Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(attributes);
        var node = new NodeProto { OpType = opType, Name = UniqueName(opType) };
        node.Input.AddRange(inputs);
        foreach (var output in outputs)
        {
            node.Output.Add(Claim(output));
        }

        node.Attribute.AddRange(attributes.Select(a => a.Proto));
        _graph.Node.Add(node);
    }

    /// <summary>
    /// Adds a node of operator <paramref name="opType"/> from <paramref name="domain"/> (e.g. <c>com.microsoft</c> for ORT's
    /// contrib operators), importing that domain at <paramref name="domainVersion"/> once; returns its one output.
    /// </summary>
    public string OpInDomain(string domain, int domainVersion, string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        if (!_model.OpsetImport.Any(o => o.Domain == domain))
        {
            _model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = domainVersion });
        }

        var output = UniqueName(opType.ToLowerInvariant());
        Node(opType, inputs, [output], attributes);
        _graph.Node[^1].Domain = domain;
        return output;
    }

    /// <summary>Adds a node with one output, named automatically, and returns that name.</summary>
    public string Op(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        var output = UniqueName(opType.ToLowerInvariant());
        Node(opType, inputs, [output], attributes);
        return output;
    }

    /// <summary>A name not used yet in this graph.</summary>
    public string UniqueName(string prefix)
    {
        string name;
        do
        {
            name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{_counter++}");
        }
        while (_names.Contains(name));
        return name;
    }

    /// <summary>Adds a model metadata entry (visible through the session's model metadata).</summary>
    public void Metadata(string key, string value) =>
        _model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

    /// <summary>The serialized model with every initializer inline.</summary>
    public byte[] ToBytes() => _model.ToByteArray();

    /// <summary>
    /// Writes the model to <paramref name="path"/>. Initializers of at least <paramref name="externalThresholdBytes"/>
    /// bytes go to <paramref name="externalFileName"/> beside it (ONNX external data: location, offset, length).
    /// Both files are written to temporary names and renamed, so a reader never sees half a model.
    /// </summary>
    public void Save(string path, long externalThresholdBytes = long.MaxValue, string externalFileName = "weights.pb")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(externalFileName);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var model = _model.Clone();
        var externalPath = Path.Combine(folder, externalFileName);
        var wroteExternal = false;
        using (var external = new FileStream(externalPath + ".tmp", FileMode.Create, FileAccess.Write))
        {
            foreach (var tensor in model.Graph.Initializer)
            {
                if (tensor.RawData.Length == 0 || tensor.RawData.Length < externalThresholdBytes)
                {
                    continue;
                }

                var padding = (int)((64 - (external.Position % 64)) % 64);
                external.Write(new byte[padding]);
                var offset = external.Position;
                external.Write(tensor.RawData.Span);
                tensor.DataLocation = TensorProto.Types.DataLocation.External;
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = externalFileName });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(CultureInfo.InvariantCulture) });
                tensor.RawData = ByteString.Empty;
                wroteExternal = true;
            }
        }

        if (wroteExternal)
        {
            File.Move(externalPath + ".tmp", externalPath, overwrite: true);
        }
        else
        {
            File.Delete(externalPath + ".tmp");
        }

        File.WriteAllBytes(full + ".tmp", model.ToByteArray());
        File.Move(full + ".tmp", full, overwrite: true);
    }

    private string Claim(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"The name '{name}' is already used in graph '{_graph.Name}'.", nameof(name));
        }

        return name;
    }

    private static ValueInfoProto ValueInfo(string name, TensorElementType type, OnnxDim[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() };
        foreach (var dim in shape)
        {
            tensorType.Shape.Dim.Add(dim.Symbol is null
                ? new TensorShapeProto.Types.Dimension { DimValue = dim.Value!.Value }
                : new TensorShapeProto.Types.Dimension { DimParam = dim.Symbol });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
