using Microsoft.ML.OnnxRuntime;
using WebDiffusion.Onnx.Package;

namespace WebDiffusion.Onnx;

/// <summary>
/// Inputs and outputs bound once and reused across runs (e.g. latents across denoising steps): rewrite the bound
/// tensors' memory between runs and call <see cref="Run"/>, which allocates no managed memory. Bound tensors are kept
/// alive by the binding. One binding per concurrent caller; dispose before the session.
/// </summary>
public sealed class OrtIoBinding : IDisposable
{
    private readonly OrtSession _session;
    private readonly Native _binding;
    private readonly Dictionary<string, OrtTensor> _bound = new(StringComparer.Ordinal);
    private int _disposed;

    internal OrtIoBinding(OrtSession session)
    {
        _session = session;
        try
        {
            _binding = new Native(session.Native.CreateIoBinding());
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtErrors.Translate(ex, session.ModelPath);
        }

        OrtLiveObjects.Created();
    }

    /// <summary>The session this binding runs.</summary>
    public OrtSession Session => _session;

    /// <summary>Binds <paramref name="tensor"/> to the input <paramref name="name"/> (checked against the model).</summary>
    public void BindInput(string name, OrtTensor tensor)
    {
        var index = _session.InputIndex(name);
        _session.CheckTensor(_session.Inputs[index], tensor, "input");
        Call(b => b.BindInput(_session.Inputs[index].Name, tensor.Value));
        _bound["in:" + name] = tensor;
    }

    /// <summary>Binds the pre-allocated <paramref name="tensor"/> to the output <paramref name="name"/>; runs write into it.</summary>
    public void BindOutput(string name, OrtTensor tensor)
    {
        var index = _session.OutputIndex(name);
        _session.CheckTensor(_session.Outputs[index], tensor, "output");
        Call(b => b.BindOutput(_session.Outputs[index].Name, tensor.Value));
        _bound["out:" + name] = tensor;
    }

    /// <summary>Lets ORT allocate the output <paramref name="name"/> in CPU memory; read it with <see cref="GetOutputs"/>.</summary>
    public void BindOutputToCpu(string name)
    {
        var index = _session.OutputIndex(name);
        Call(b => b.BindOutputToDevice(_session.Outputs[index].Name, OrtMemoryInfo.DefaultInstance));
        _bound.Remove("out:" + name);
    }

    /// <summary>Runs the session with the bound values. Cancellation as in <see cref="OrtSession.Run(ReadOnlySpan{OrtNamedTensor}, ReadOnlySpan{OrtNamedTensor}, CancellationToken)"/>.</summary>
    public void Run(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var binding = Handle;
        _session.Execute(static (session, options, b) => session.RunWithBinding(options, b), binding, cancellationToken);
    }

    /// <summary>The bound outputs after a run, in binding order (new tensors referencing ORT's buffers; dispose them).</summary>
    public OrtTensor[] GetOutputs()
    {
        IDisposableReadOnlyCollection<OrtValue> values;
        try
        {
            values = Handle.GetOutputValues();
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtErrors.Translate(ex, _session.ModelPath);
        }

        return OrtSession.WrapAll([.. values]);
    }

    /// <summary>Unbinds every input.</summary>
    public void ClearInputs()
    {
        Handle.ClearBoundInputs();
        RemoveBound("in:");
    }

    /// <summary>Unbinds every output.</summary>
    public void ClearOutputs()
    {
        Handle.ClearBoundOutputs();
        RemoveBound("out:");
    }

    /// <summary>Releases the binding. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _binding.Value.Dispose();
        _bound.Clear();
        OrtLiveObjects.Released();
    }

    private Microsoft.ML.OnnxRuntime.OrtIoBinding Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _binding.Value;
        }
    }

    private void Call(Action<Microsoft.ML.OnnxRuntime.OrtIoBinding> bind)
    {
        try
        {
            bind(Handle);
        }
        catch (OnnxRuntimeException ex)
        {
            throw OrtErrors.Translate(ex, _session.ModelPath);
        }
    }

    private void RemoveBound(string prefix)
    {
        foreach (var key in _bound.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            _bound.Remove(key);
        }
    }

    /// <summary>The package's binding (a wrapper so the two same-named types stay apart).</summary>
    private sealed record Native(Microsoft.ML.OnnxRuntime.OrtIoBinding Value);
}
