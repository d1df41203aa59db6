using System.Buffers;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Core.Models;

/// <summary>
/// One component's ORT session, opened on first use (thread-safe) and closed on dispose: from a model file, or from a
/// graph compiled from a checkpoint. Session-creation failures become <see cref="ModelLoadException"/>s naming the file.
/// </summary>
internal sealed class ComponentSession : IDisposable
{
    private readonly Func<OrtSession> _open;
    private readonly Lock _lock = new();
    private OrtSession? _session;
    private bool _disposed;

    public ComponentSession(string path, OnnxModelSignature signature, OrtRuntime runtime, OrtSessionOptions? options)
        : this(path, System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(path)!), signature, () => runtime.CreateSession(path, options))
    {
    }

    /// <summary>
    /// A component (<paramref name="component"/>: text_encoder, unet …) whose session <paramref name="open"/> creates;
    /// <paramref name="path"/> names it in errors.
    /// </summary>
    public ComponentSession(string path, string component, OnnxModelSignature signature, Func<OrtSession> open)
    {
        Path = path;
        Component = component;
        Signature = signature;
        _open = open;
    }

    /// <summary>The file the component comes from (its model.onnx, or the checkpoint it was compiled from).</summary>
    public string Path { get; }

    /// <summary>The component's folder name (text_encoder, unet, vae_decoder, vae_encoder).</summary>
    public string Component { get; }

    public OnnxModelSignature Signature { get; }

    public bool IsOpen => Volatile.Read(ref _session) is not null;

    public OrtSession Session
    {
        get
        {
            var session = Volatile.Read(ref _session);
            if (session is not null)
            {
                return session;
            }

            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_session is null)
                {
                    try
                    {
                        Volatile.Write(ref _session, _open());
                    }
                    catch (OrtException ex)
                    {
                        throw new ModelLoadException(Path, null, "a model ONNX Runtime can load", ex.Message, ex);
                    }
                }

                return _session!;
            }
        }
    }

    /// <summary>
    /// The values of the graph's weight inputs (a checkpoint compiled for LoRA), passed with every <see cref="Run"/>; null
    /// when the graph has none.
    /// </summary>
    public WeightBank? Weights { get; init; }

    /// <summary>Runs the session with <paramref name="inputs"/> and the bound weights (<see cref="Weights"/>).</summary>
    public OrtTensor[] Run(ReadOnlySpan<OrtNamedTensor> inputs, ReadOnlySpan<string> outputNames, CancellationToken cancellationToken)
    {
        if (Weights is null)
        {
            return Session.Run(inputs, outputNames, cancellationToken);
        }

        var weights = Weights.Inputs;
        var all = ArrayPool<OrtNamedTensor>.Shared.Rent(inputs.Length + weights.Length);
        try
        {
            inputs.CopyTo(all);
            weights.CopyTo(all.AsSpan(inputs.Length));
            return Session.Run(all.AsSpan(0, inputs.Length + weights.Length), outputNames, cancellationToken);
        }
        finally
        {
            Array.Clear(all, 0, inputs.Length + weights.Length);
            ArrayPool<OrtNamedTensor>.Shared.Return(all);
        }
    }

    /// <summary>The batch size the model fixes in dim 0 of <paramref name="input"/>, or null when dynamic.</summary>
    public int? FixedBatch(string input) => Signature.FindInput(input)?.FixedDim(0) is { } n and > 0 ? (int)n : null;

    public TensorElementType InputType(string input) => Signature.FindInput(input)!.ElementType;

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _session?.Dispose();
            _session = null;
            Weights?.Dispose();
        }
    }
}
