using WebDiffusion.Onnx;

namespace WebDiffusion.Benchmarks.Binding;

/// <summary>
/// One model session with inputs and outputs allocated once from its metadata: symbolic dims "batch" → 2, "height" and
/// "width" → the latent side, "sequence" → 77, others → 1; float inputs random in [-1, 1), integer inputs 500 (a
/// timestep). Runs with the pre-allocated outputs, through an IO binding made once, or with ORT-allocated outputs (UNet.Predict's path).
/// </summary>
public sealed class SessionCall : IDisposable
{
    private readonly List<OrtTensor> _owned = [];
    private readonly OrtNamedTensor[] _inputs;
    private readonly OrtNamedTensor[] _outputs;
    private readonly string[] _outputNames;
    private readonly OrtIoBinding _binding;

    public SessionCall(OrtSession session, int latentSide)
    {
        ArgumentNullException.ThrowIfNull(session);
        Session = session;
        _inputs = [.. session.Inputs.Select(i => new OrtNamedTensor(i.Name, Own(Filled(i, latentSide))))];
        _outputs = [.. session.Outputs.Select(o => new OrtNamedTensor(o.Name, Own(OrtTensor.Allocate(o.ElementType, Shape(o, latentSide)))))];
        _outputNames = [.. session.Outputs.Select(o => o.Name)];
        _binding = session.CreateIoBinding();
        foreach (var input in _inputs)
        {
            _binding.BindInput(input.Name, input.Tensor);
        }

        foreach (var output in _outputs)
        {
            _binding.BindOutput(output.Name, output.Tensor);
        }
    }

    public OrtSession Session { get; }

    /// <summary>One Run into the pre-allocated outputs.</summary>
    public void Run(CancellationToken cancellationToken = default) => Session.Run(_inputs, _outputs, cancellationToken);

    /// <summary>One Run through the IO binding made once (same tensors as <see cref="Run"/>).</summary>
    public void RunBound(CancellationToken cancellationToken = default) => _binding.Run(cancellationToken);

    /// <summary>One Run whose outputs ORT allocates (then disposed).</summary>
    public void RunAllocatingOutputs()
    {
        foreach (var output in Session.Run(_inputs, _outputNames))
        {
            output.Dispose();
        }
    }

    public void Dispose()
    {
        _binding.Dispose();
        foreach (var tensor in _owned)
        {
            tensor.Dispose();
        }
    }

    private OrtTensor Own(OrtTensor tensor)
    {
        _owned.Add(tensor);
        return tensor;
    }

    private static long[] Shape(OrtNodeInfo info, int latentSide) =>
        [.. info.Shape.Select((d, i) => d >= 0 ? d : info.SymbolicDims[i] switch
        {
            "batch" => 2L,
            "height" or "width" => latentSide,
            "sequence" => 77L,
            _ => 1L,
        })];

    private static OrtTensor Filled(OrtNodeInfo info, int latentSide)
    {
        var shape = Shape(info, latentSide);
        var count = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        var random = new Random(7);
        return info.ElementType switch
        {
            TensorElementType.Float => OrtTensor.Create(Enumerable.Range(0, count).Select(_ => (random.NextSingle() * 2) - 1).ToArray(), shape),
            TensorElementType.Int64 => OrtTensor.Create(Enumerable.Repeat(500L, count).ToArray(), shape),
            TensorElementType.Int32 => OrtTensor.Create(Enumerable.Repeat(500, count).ToArray(), shape),
            var other => throw new NotSupportedException($"input {info.Name} is {other}"),
        };
    }
}
