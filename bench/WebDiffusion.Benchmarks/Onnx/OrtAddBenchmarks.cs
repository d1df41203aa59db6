using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Benchmarks.Onnx;

/// <summary>
/// Per-Run overhead of the ORT binding: an Add of two 1×4×64×64 float tensors through ORT (pre-allocated outputs,
/// IO binding, ORT-allocated outputs, with a live cancellation token) against the same work in C#.
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- --filter '*Ort*' --job short
/// </summary>
[MemoryDiagnoser]
public class OrtAddBenchmarks : IDisposable
{
    private static readonly long[] Shape = [1, 4, 64, 64];
    private readonly float[] _a = new float[4 * 64 * 64];
    private readonly float[] _b = new float[4 * 64 * 64];
    private readonly float[] _y = new float[4 * 64 * 64];
    private readonly CancellationTokenSource _cts = new();
    private string _folder = string.Empty;
    private OrtRuntime? _runtime;
    private OrtSession? _session;
    private OrtTensor? _ta;
    private OrtTensor? _tb;
    private OrtTensor? _ty;
    private OrtIoBinding? _binding;
    private OrtNamedTensor[] _inputs = [];
    private OrtNamedTensor[] _outputs = [];
    private readonly string[] _outputNames = ["y"];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        for (var i = 0; i < _a.Length; i++)
        {
            _a[i] = random.NextSingle();
            _b[i] = random.NextSingle();
        }

        _folder = Directory.CreateTempSubdirectory("wd-bench-ort-").FullName;
        var g = new OnnxGraphBuilder("add");
        g.Input("a", TensorElementType.Float, 1, 4, 64, 64);
        g.Input("b", TensorElementType.Float, 1, 4, 64, 64);
        g.Node("Add", ["a", "b"], ["y"]);
        g.Output("y", TensorElementType.Float, 1, 4, 64, 64);
        var path = Path.Combine(_folder, "add.onnx");
        g.Save(path);

        _runtime = OrtRuntime.Load();
        _session = _runtime.CreateSession(path, new OrtSessionOptions { IntraOpThreads = 1 });
        _ta = OrtTensor.Create(_a, Shape);
        _tb = OrtTensor.Create(_b, Shape);
        _ty = OrtTensor.Create(_y, Shape);
        _inputs = [new("a", _ta), new("b", _tb)];
        _outputs = [new("y", _ty)];
        _binding = _session.CreateIoBinding();
        _binding.BindInput("a", _ta);
        _binding.BindInput("b", _tb);
        _binding.BindOutput("y", _ty);
    }

    [Benchmark(Baseline = true)]
    public float CSharpLoop()
    {
        var a = _a;
        var b = _b;
        var y = _y;
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = a[i] + b[i];
        }

        return y[^1];
    }

    [Benchmark]
    public float CSharpTensorPrimitives()
    {
        TensorPrimitives.Add(_a, _b, _y);
        return _y[^1];
    }

    [Benchmark]
    public float OrtRunPreallocatedOutputs()
    {
        _session!.Run(_inputs, _outputs);
        return _y[^1];
    }

    [Benchmark]
    public float OrtRunPreallocatedWithToken()
    {
        _session!.Run(_inputs, _outputs, _cts.Token);
        return _y[^1];
    }

    [Benchmark]
    public float OrtRunIoBinding()
    {
        _binding!.Run();
        return _y[^1];
    }

    [Benchmark]
    public float OrtRunOrtAllocatedOutputs()
    {
        var outputs = _session!.Run(_inputs, _outputNames);
        using var y = outputs[0];
        return y.GetSpan<float>()[^1];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _binding?.Dispose();
        _ta?.Dispose();
        _tb?.Dispose();
        _ty?.Dispose();
        _session?.Dispose();
        _runtime?.Dispose();
        _cts.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
