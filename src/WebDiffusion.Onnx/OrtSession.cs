using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using WebDiffusion.Onnx.Native;

namespace WebDiffusion.Onnx;

/// <summary>
/// An inference session over one model file. Inputs and outputs are read from the model at creation; every Run
/// checks names, element types and ranks before calling ORT and names the model file in its errors. Runs may be
/// made from several threads at once. Dispose when no Run is in flight (a Run in flight keeps the native session alive).
/// </summary>
public sealed unsafe partial class OrtSession : IDisposable
{
    private readonly OrtSessionHandle _handle;
    private readonly OrtRunOptionsPool _runOptions = new();
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;
    private readonly nint[] _inputNames;
    private readonly nint[] _outputNames;
    private readonly byte[][] _nameStorage;

    private OrtSession(OrtSessionHandle handle, string modelPath, OrtExecutionProvider provider, string? fallbackReason)
    {
        _handle = handle;
        ModelPath = modelPath;
        ExecutionProvider = provider;
        ExecutionProviderFallbackReason = fallbackReason;
        var session = handle.DangerousGetHandle();
        Inputs = ModelMetadataReader.Read(session, inputs: true);
        Outputs = ModelMetadataReader.Read(session, inputs: false);
        _inputIndex = Index(Inputs);
        _outputIndex = Index(Outputs);
        _nameStorage = [.. Inputs.Concat(Outputs).Select(n => PinnedUtf8(n.Name))];
        _inputNames = [.. _nameStorage.Take(Inputs.Count).Select(AddressOf)];
        _outputNames = [.. _nameStorage.Skip(Inputs.Count).Select(AddressOf)];
    }

    /// <summary>Absolute path of the model file.</summary>
    public string ModelPath { get; }

    /// <summary>The model's inputs, in model order.</summary>
    public IReadOnlyList<OrtNodeInfo> Inputs { get; }

    /// <summary>The model's outputs, in model order.</summary>
    public IReadOnlyList<OrtNodeInfo> Outputs { get; }

    /// <summary>The provider the session actually uses.</summary>
    public OrtExecutionProvider ExecutionProvider { get; }

    /// <summary>Why CUDA was requested but the session runs on the CPU; null when no fallback happened.</summary>
    public string? ExecutionProviderFallbackReason { get; }

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => _handle.IsClosed;

    internal nint Handle => _handle.DangerousGetHandle();

    /// <summary>The input called <paramref name="name"/>, or null.</summary>
    public OrtNodeInfo? FindInput(string name) => _inputIndex.TryGetValue(name, out var i) ? Inputs[i] : null;

    /// <summary>The output called <paramref name="name"/>, or null.</summary>
    public OrtNodeInfo? FindOutput(string name) => _outputIndex.TryGetValue(name, out var i) ? Outputs[i] : null;

    /// <summary>Creates a binding of inputs and outputs to reuse across runs (e.g. across denoising steps).</summary>
    public OrtIoBinding CreateIoBinding()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return new OrtIoBinding(this);
    }

    /// <summary>Releases the session (deferred until Runs in flight return). Safe to call more than once.</summary>
    public void Dispose()
    {
        _runOptions.Dispose();
        _handle.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Path.GetFileName(ModelPath)} ({ExecutionProvider})";

    internal static OrtSession Create(OrtRuntime runtime, string modelPath, OrtSessionOptions options)
    {
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"ONNX model not found: '{modelPath}'.", modelPath);
        }

        var wantCuda = options.ExecutionProvider == OrtExecutionProvider.Cuda;
        string? fallback = null;
        if (wantCuda)
        {
            var cudaOptions = SessionOptionsBuilder.Build(options, withCuda: true, out var cudaError);
            if (cudaOptions is not null)
            {
                using (cudaOptions)
                {
                    var (session, error) = TryCreate(runtime, modelPath, cudaOptions);
                    if (session is not null)
                    {
                        return new OrtSession(session, modelPath, OrtExecutionProvider.Cuda, null);
                    }

                    cudaError = error;
                }
            }

            fallback = CudaUnavailable(runtime, modelPath, cudaError!);
            if (options.RequireCuda)
            {
                throw new OrtException(cudaError!.ErrorCode, fallback);
            }

            options.OnExecutionProviderFallback?.Invoke(fallback);
        }

        using var cpuOptions = SessionOptionsBuilder.Build(options, withCuda: false, out _)!;
        var (cpuSession, cpuError) = TryCreate(runtime, modelPath, cpuOptions);
        return cpuSession is null
            ? throw cpuError!
            : new OrtSession(cpuSession, modelPath, OrtExecutionProvider.Cpu, fallback);
    }

    private static string CudaUnavailable(OrtRuntime runtime, string modelPath, OrtException error) =>
        $"The CUDA execution provider is not available here for '{modelPath}' ({error.Message}). CUDA needs " +
        $"libonnxruntime_providers_shared.so and libonnxruntime_providers_cuda.so of ONNX Runtime {runtime.Version} in " +
        $"'{Path.GetDirectoryName(runtime.LibraryPath)}', CUDA 12 and cuDNN 9 on the loader path, and a GPU.";

    private static (OrtSessionHandle? Session, OrtException? Error) TryCreate(OrtRuntime runtime, string modelPath, OrtSessionOptionsHandle options)
    {
        var env = runtime.Env;
        var added = false;
        env.DangerousAddRef(ref added);
        nint session;
        nint status;
        fixed (byte* path = Utf8.EncodePath(modelPath))
        {
            status = OrtNative.Api.CreateSession(env.DangerousGetHandle(), path, options.DangerousGetHandle(), &session);
        }

        if (status != 0)
        {
            env.DangerousRelease();
            return (null, OrtStatus.ToException(status, $"Loading ONNX model '{modelPath}' failed"));
        }

        return (new OrtSessionHandle(session, env), null);
    }

    private static Dictionary<string, int> Index(IReadOnlyList<OrtNodeInfo> nodes)
    {
        var index = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            index[nodes[i].Name] = i;
        }

        return index;
    }

    private static byte[] PinnedUtf8(string value)
    {
        var encoded = Utf8.Encode(value);
        var pinned = GC.AllocateUninitializedArray<byte>(encoded.Length, pinned: true);
        encoded.CopyTo(pinned, 0);
        return pinned;
    }

    private static nint AddressOf(byte[] pinned) => (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
}
