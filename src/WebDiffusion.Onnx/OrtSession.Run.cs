using WebDiffusion.Onnx.Native;

namespace WebDiffusion.Onnx;

/// <summary>Running the session: validation, native call, cancellation.</summary>
public sealed unsafe partial class OrtSession
{
    private const int StackLimit = 32;

    /// <summary>
    /// Runs the model writing into pre-allocated <paramref name="outputs"/> (their shapes must be what the model
    /// produces). Allocates nothing on this path. <paramref name="cancellationToken"/> stops the run between kernels
    /// and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, or a tensor whose element type, rank or fixed size differs from the model's.</exception>
    /// <exception cref="OrtException">ORT failed; the message names the model file.</exception>
    public void Run(ReadOnlySpan<OrtNamedTensor> inputs, ReadOnlySpan<OrtNamedTensor> outputs, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Span<nint> buffer = inputs.Length + (2 * outputs.Length) <= StackLimit * 2
            ? stackalloc nint[StackLimit * 2]
            : new nint[(2 * inputs.Length) + (2 * outputs.Length)];
        var inputNames = buffer[..inputs.Length];
        var inputValues = buffer.Slice(inputs.Length, inputs.Length);
        var outputNames = buffer.Slice(2 * inputs.Length, outputs.Length);
        var outputValues = buffer.Slice((2 * inputs.Length) + outputs.Length, outputs.Length);
        PrepareInputs(inputs, inputNames, inputValues);
        for (var i = 0; i < outputs.Length; i++)
        {
            var index = OutputIndex(outputs[i].Name);
            CheckTensor(Outputs[index], outputs[i].Tensor, "output");
            outputNames[i] = _outputNames[index];
            outputValues[i] = outputs[i].Tensor.Handle;
        }

        Execute(inputNames, inputValues, outputNames, outputValues, cancellationToken);
    }

    /// <summary>
    /// Runs the model and returns the outputs called <paramref name="outputNames"/>, allocated by ORT (dispose them).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, or a tensor whose element type, rank or fixed size differs from the model's.</exception>
    /// <exception cref="OrtException">ORT failed; the message names the model file.</exception>
    public OrtTensor[] Run(ReadOnlySpan<OrtNamedTensor> inputs, ReadOnlySpan<string> outputNames, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var names = new nint[outputNames.Length];
        var values = new nint[outputNames.Length];
        for (var i = 0; i < outputNames.Length; i++)
        {
            names[i] = _outputNames[OutputIndex(outputNames[i])];
        }

        Span<nint> buffer = inputs.Length <= StackLimit ? stackalloc nint[StackLimit * 2] : new nint[2 * inputs.Length];
        var inputNames = buffer[..inputs.Length];
        var inputValues = buffer.Slice(inputs.Length, inputs.Length);
        PrepareInputs(inputs, inputNames, inputValues);
        Execute(inputNames, inputValues, names, values, cancellationToken);
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

    internal static OrtTensor[] WrapAll(ReadOnlySpan<nint> values)
    {
        var tensors = new OrtTensor[values.Length];
        var wrapped = 0;
        try
        {
            for (; wrapped < values.Length; wrapped++)
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

            for (var i = wrapped + 1; i < values.Length; i++)
            {
                OrtNative.Api.ReleaseValue(values[i]);
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

    internal nint InputNamePointer(int index) => _inputNames[index];

    internal nint OutputNamePointer(int index) => _outputNames[index];

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

    private ArgumentException Mismatch(OrtNodeInfo node, OrtTensor tensor, string kind, string what) =>
        new($"Model '{ModelPath}' {kind} '{node.Name}' expects {node.Describe()}, got {tensor}: wrong {what}.");

    private void PrepareInputs(ReadOnlySpan<OrtNamedTensor> inputs, Span<nint> names, Span<nint> values)
    {
        for (var i = 0; i < inputs.Length; i++)
        {
            var index = InputIndex(inputs[i].Name);
            CheckTensor(Inputs[index], inputs[i].Tensor, "input");
            names[i] = _inputNames[index];
            values[i] = inputs[i].Tensor.Handle;
        }
    }

    private void Execute(Span<nint> inputNames, Span<nint> inputValues, Span<nint> outputNames, Span<nint> outputValues, CancellationToken cancellationToken)
    {
        var scope = BeginRun(cancellationToken);
        nint status;
        fixed (nint* inNames = inputNames)
        fixed (nint* inValues = inputValues)
        fixed (nint* outNames = outputNames)
        fixed (nint* outValues = outputValues)
        {
            status = OrtNative.Api.Run(
                Handle, scope.RunOptions, inNames, inValues, (nuint)inputNames.Length, outNames, (nuint)outputNames.Length, outValues);
        }

        EndRun(scope, status, cancellationToken);
    }

    /// <summary>Rents run options, hooks cancellation to their terminate flag and keeps the session alive.</summary>
    internal RunScope BeginRun(CancellationToken cancellationToken)
    {
        var added = false;
        _handle.DangerousAddRef(ref added);
        var options = _runOptions.Rent();
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((OrtRunOptionsHandle)state!).Terminate(), options)
            : default;
        return new RunScope(options, registration);
    }

    /// <summary>Unhooks cancellation, resets and returns the run options, then throws for a failed status.</summary>
    internal void EndRun(RunScope scope, nint status, CancellationToken cancellationToken)
    {
        scope.Registration.Dispose();
        try
        {
            if (cancellationToken.IsCancellationRequested)
            {
                scope.Options.ResetTerminate();
            }

            _runOptions.Return(scope.Options);
        }
        catch
        {
            scope.Options.Dispose();
            OrtStatus.Release(status);
            throw;
        }
        finally
        {
            _handle.DangerousRelease();
        }

        if (status == 0)
        {
            return;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            OrtStatus.Release(status);
            throw new OperationCanceledException($"Run of '{ModelPath}' was cancelled.", cancellationToken);
        }

        throw OrtStatus.ToException(status, $"Running '{ModelPath}' failed");
    }

    /// <summary>The state of one run in flight.</summary>
    internal readonly record struct RunScope(OrtRunOptionsHandle Options, CancellationTokenRegistration Registration)
    {
        public nint RunOptions => Options.DangerousGetHandle();
    }
}
