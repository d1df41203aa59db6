using Microsoft.ML.OnnxRuntime;
using WebDiffusion.Onnx.Package;

namespace WebDiffusion.Onnx;

/// <summary>Running the session: validation, the package's Run, cancellation through <see cref="RunOptions.Terminate"/>.</summary>
public sealed partial class OrtSession
{
    /// <summary>
    /// Runs the model writing into pre-allocated <paramref name="outputs"/> (their shapes must be what the model
    /// produces). <paramref name="cancellationToken"/> sets ORT's terminate flag, which stops the run between kernels,
    /// and throws <see cref="OperationCanceledException"/>. For a loop with no managed allocation per Run, bind once
    /// with <see cref="CreateIoBinding"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, or a tensor whose element type, rank or fixed size differs from the model's.</exception>
    /// <exception cref="OrtException">ORT failed; the message names the model file.</exception>
    public void Run(ReadOnlySpan<OrtNamedTensor> inputs, ReadOnlySpan<OrtNamedTensor> outputs, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (inputNames, inputValues) = PrepareInputs(inputs);
        var outputNames = new string[outputs.Length];
        var outputValues = new OrtValue[outputs.Length];
        for (var i = 0; i < outputs.Length; i++)
        {
            var index = OutputIndex(outputs[i].Name);
            CheckTensor(Outputs[index], outputs[i].Tensor, "output");
            outputNames[i] = Outputs[index].Name;
            outputValues[i] = outputs[i].Tensor.Value;
        }

        Execute(
            static (session, options, state) => session.Run(options, state.InputNames, state.InputValues, state.OutputNames, state.OutputValues),
            (InputNames: inputNames, InputValues: inputValues, OutputNames: outputNames, OutputValues: outputValues),
            cancellationToken);
    }

    /// <summary>
    /// Runs the model and returns the outputs called <paramref name="outputNames"/>, allocated by ORT (dispose them).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, or a tensor whose element type, rank or fixed size differs from the model's.</exception>
    /// <exception cref="OrtException">ORT failed; the message names the model file.</exception>
    public OrtTensor[] Run(ReadOnlySpan<OrtNamedTensor> inputs, ReadOnlySpan<string> outputNames, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var names = new string[outputNames.Length];
        for (var i = 0; i < outputNames.Length; i++)
        {
            names[i] = Outputs[OutputIndex(outputNames[i])].Name;
        }

        var (inputNames, inputValues) = PrepareInputs(inputs);
        var values = Execute(
            static (session, options, state) => session.Run(options, state.InputNames, state.InputValues, state.OutputNames),
            (InputNames: inputNames, InputValues: inputValues, OutputNames: names),
            cancellationToken);
        return WrapAll(values);
    }

    /// <summary>Runs the model and returns every output, in model order (dispose them).</summary>
    public OrtTensor[] Run(ReadOnlySpan<OrtNamedTensor> inputs, CancellationToken cancellationToken = default)
    {
        var names = new string[Outputs.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = Outputs[i].Name;
        }

        return Run(inputs, names, cancellationToken);
    }

    /// <summary>Wraps ORT-allocated values as tensors (taking ownership); disposes the rest when one cannot be wrapped.</summary>
    internal static OrtTensor[] WrapAll(IReadOnlyList<OrtValue> values)
    {
        var tensors = new OrtTensor[values.Count];
        var wrapped = 0;
        try
        {
            for (; wrapped < values.Count; wrapped++)
            {
                tensors[wrapped] = OrtTensor.Wrap(values[wrapped]);
            }

            return tensors;
        }
        catch
        {
            for (var i = 0; i < wrapped; i++)
            {
                tensors[i].Dispose();
            }

            for (var i = wrapped + 1; i < values.Count; i++)
            {
                values[i].Dispose();
            }

            throw;
        }
    }

    /// <summary>Index of the input called <paramref name="name"/>; the error lists what the model takes.</summary>
    internal int InputIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_inputIndex.TryGetValue(name, out var index))
        {
            return index;
        }

        throw new ArgumentException(
            $"Model '{ModelPath}' has no input '{name}'; expected inputs: {string.Join(", ", Inputs)}.", nameof(name));
    }

    /// <summary>Index of the output called <paramref name="name"/>; the error lists what the model produces.</summary>
    internal int OutputIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_outputIndex.TryGetValue(name, out var index))
        {
            return index;
        }

        throw new ArgumentException(
            $"Model '{ModelPath}' has no output '{name}'; expected outputs: {string.Join(", ", Outputs)}.", nameof(name));
    }

    /// <summary>Checks element type, rank and fixed dimensions of <paramref name="tensor"/> against <paramref name="node"/>.</summary>
    internal void CheckTensor(OrtNodeInfo node, OrtTensor tensor, string kind)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(tensor.IsDisposed, tensor);
        if (!node.IsTensor)
        {
            throw new ArgumentException($"Model '{ModelPath}' {kind} '{node.Name}' is not a tensor; this binding passes tensors only.");
        }

        if (tensor.ElementType != node.ElementType)
        {
            throw Mismatch(node, tensor, kind, "element type");
        }

        var shape = tensor.ShapeSpan();
        if (shape.Length != node.Rank)
        {
            throw Mismatch(node, tensor, kind, $"rank ({node.Rank} dimensions expected, {shape.Length} given)");
        }

        for (var d = 0; d < shape.Length; d++)
        {
            var expected = node.Shape[d];
            if (expected >= 0 && expected != shape[d])
            {
                throw Mismatch(node, tensor, kind, $"dimension {d} ({expected} expected, {shape[d]} given)");
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> with pooled run options whose terminate flag <paramref name="cancellationToken"/>
    /// sets, keeping the native session alive meanwhile; a run stopped by the flag becomes <see cref="OperationCanceledException"/>.
    /// </summary>
    internal TResult Execute<TState, TResult>(Func<InferenceSession, RunOptions, TState, TResult> run, TState state, CancellationToken cancellationToken)
    {
        if (!TryAddReference())
        {
            throw new ObjectDisposedException(ToString());
        }

        var options = _runOptions.Rent();
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static o => ((RunOptions)o!).Terminate = true, options)
            : default;
        try
        {
            return run(_session, options, state);
        }
        catch (OnnxRuntimeException ex)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"Run of '{ModelPath}' was cancelled.", ex, cancellationToken);
            }

            throw OrtErrors.Translate(ex, $"Running '{ModelPath}' failed");
        }
        finally
        {
            registration.Dispose();
            if (options.Terminate)
            {
                options.Terminate = false;
            }

            _runOptions.Return(options);
            ReleaseReference();
        }
    }

    /// <summary>As <see cref="Execute{TState, TResult}"/> for a run without a result.</summary>
    internal void Execute<TState>(Action<InferenceSession, RunOptions, TState> run, TState state, CancellationToken cancellationToken) =>
        Execute(
            static (session, options, s) =>
            {
                s.Run(session, options, s.State);
                return 0;
            },
            (Run: run, State: state),
            cancellationToken);

    private ArgumentException Mismatch(OrtNodeInfo node, OrtTensor tensor, string kind, string what) =>
        new($"Model '{ModelPath}' {kind} '{node.Name}' expects {node.Describe()}, got {tensor}: wrong {what}.");

    private (string[] Names, OrtValue[] Values) PrepareInputs(ReadOnlySpan<OrtNamedTensor> inputs)
    {
        var names = new string[inputs.Length];
        var values = new OrtValue[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var index = InputIndex(inputs[i].Name);
            CheckTensor(Inputs[index], inputs[i].Tensor, "input");
            names[i] = Inputs[index].Name;
            values[i] = inputs[i].Tensor.Value;
        }

        return (names, values);
    }
}
