using WebDiffusion.Onnx.Native;

namespace WebDiffusion.Onnx;

/// <summary>
/// Inputs and outputs bound once and reused across runs (e.g. latents across denoising steps): rewrite the bound
/// tensors' memory between runs and call <see cref="Run"/>. Bound tensors are kept alive by the binding. One binding
/// per concurrent caller; dispose before the session.
/// </summary>
public sealed unsafe class OrtIoBinding : IDisposable
{
    private readonly OrtSession _session;
    private readonly OrtIoBindingHandle _handle;
    private readonly Dictionary<string, OrtTensor> _bound = new(StringComparer.Ordinal);

    internal OrtIoBinding(OrtSession session)
    {
        _session = session;
        nint binding;
        OrtStatus.ThrowIfFailed(OrtNative.Api.CreateIoBinding(session.Handle, &binding), session.ModelPath);
        _handle = new OrtIoBindingHandle(binding);
    }

    /// <summary>The session this binding runs.</summary>
    public OrtSession Session => _session;

    /// <summary>Binds <paramref name="tensor"/> to the input <paramref name="name"/> (checked against the model).</summary>
    public void BindInput(string name, OrtTensor tensor)
    {
        var index = _session.InputIndex(name);
        _session.CheckTensor(_session.Inputs[index], tensor, "input");
        OrtStatus.ThrowIfFailed(
            OrtNative.Api.BindInput(Handle, (byte*)_session.InputNamePointer(index), tensor.Handle), _session.ModelPath);
        _bound["in:" + name] = tensor;
    }

    /// <summary>Binds the pre-allocated <paramref name="tensor"/> to the output <paramref name="name"/>; runs write into it.</summary>
    public void BindOutput(string name, OrtTensor tensor)
    {
        var index = _session.OutputIndex(name);
        _session.CheckTensor(_session.Outputs[index], tensor, "output");
        OrtStatus.ThrowIfFailed(
            OrtNative.Api.BindOutput(Handle, (byte*)_session.OutputNamePointer(index), tensor.Handle), _session.ModelPath);
        _bound["out:" + name] = tensor;
    }

    /// <summary>Lets ORT allocate the output <paramref name="name"/> in CPU memory; read it with <see cref="GetOutputs"/>.</summary>
    public void BindOutputToCpu(string name)
    {
        var index = _session.OutputIndex(name);
        OrtStatus.ThrowIfFailed(
            OrtNative.Api.BindOutputToDevice(Handle, (byte*)_session.OutputNamePointer(index), OrtNative.CpuMemoryInfo), _session.ModelPath);
        _bound.Remove("out:" + name);
    }

    /// <summary>Runs the session with the bound values. Cancellation as in <see cref="OrtSession.Run(ReadOnlySpan{OrtNamedTensor}, ReadOnlySpan{OrtNamedTensor}, CancellationToken)"/>.</summary>
    public void Run(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var binding = Handle;
        var scope = _session.BeginRun(cancellationToken);
        var status = OrtNative.Api.RunWithBinding(_session.Handle, scope.RunOptions, binding);
        _session.EndRun(scope, status, cancellationToken);
    }

    /// <summary>The bound outputs after a run, in binding order (new tensors referencing ORT's buffers; dispose them).</summary>
    public OrtTensor[] GetOutputs()
    {
        nint* values;
        nuint count;
        OrtStatus.ThrowIfFailed(OrtNative.Api.GetBoundOutputValues(Handle, OrtNative.DefaultAllocator, &values, &count), _session.ModelPath);
        if (values is null)
        {
            return [];
        }

        try
        {
            return OrtSession.WrapAll(new ReadOnlySpan<nint>(values, (int)count));
        }
        finally
        {
            OrtStatus.Release(OrtNative.Api.AllocatorFree(OrtNative.DefaultAllocator, values));
        }
    }

    /// <summary>Unbinds every input.</summary>
    public void ClearInputs()
    {
        OrtNative.Api.ClearBoundInputs(Handle);
        RemoveBound("in:");
    }

    /// <summary>Unbinds every output.</summary>
    public void ClearOutputs()
    {
        OrtNative.Api.ClearBoundOutputs(Handle);
        RemoveBound("out:");
    }

    /// <summary>Releases the binding. Safe to call more than once.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        _bound.Clear();
    }

    private nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle.DangerousGetHandle();
        }
    }

    private void RemoveBound(string prefix)
    {
        foreach (var key in _bound.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            _bound.Remove(key);
        }
    }
}
