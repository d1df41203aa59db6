using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Sessions;

/// <summary>
/// The CUDA path on a machine without a GPU: a clear "not available here". In the default (Cpu) build the package has
/// no CUDA provider at all; in a <c>-p:OrtFlavor=Cuda</c> build ORT fails to load the provider's CUDA libraries and
/// its log names the missing one.
/// </summary>
public sealed class CudaProviderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static bool GpuPresent => File.Exists("/dev/nvidiactl");

    private static OrtSessionOptions CudaOptions(bool require, List<string>? reasons = null)
    {
        var options = new OrtSessionOptions { ExecutionProvider = OrtExecutionProvider.Cuda, RequireCuda = require };
        options.Cuda.DeviceId = 0;
        options.Cuda.GpuMemLimit = 2L << 30;
        options.Cuda.CudnnConvAlgoSearch = CudnnConvAlgoSearch.Heuristic;
        options.Cuda.EnableCudaGraph = false;
        if (reasons is not null)
        {
            options.OnExecutionProviderFallback = reasons.Add;
        }

        return options;
    }

    [Fact]
    public void Cuda_falls_back_to_cpu_with_the_reason_when_not_required()
    {
        var reasons = new List<string>();
        using var session = TestModels.Open(_folder, TestModels.Add(2), options: CudaOptions(require: false, reasons));

        if (GpuPresent && OrtTestLibrary.Runtime.Flavor == OrtFlavor.Cuda && session.ExecutionProvider == OrtExecutionProvider.Cuda)
        {
            return;
        }

        Assert.Equal(OrtExecutionProvider.Cpu, session.ExecutionProvider);
        var reason = Assert.Single(reasons);
        Assert.Equal(reason, session.ExecutionProviderFallbackReason);
        Assert.Contains("CUDA execution provider is not available here", reason, StringComparison.Ordinal);
        Assert.Contains("model.onnx", reason, StringComparison.Ordinal);
        if (OrtTestLibrary.Runtime.Flavor == OrtFlavor.Cpu)
        {
            // ORT: "CUDA execution provider is not enabled in this build."; we say which library is missing and how to get it.
            Assert.Contains("not enabled in this build", reason, StringComparison.Ordinal);
            Assert.Contains("libonnxruntime_providers_cuda.so", reason, StringComparison.Ordinal);
            Assert.Contains("-p:OrtFlavor=Cuda", reason, StringComparison.Ordinal);
        }
        else if (!GpuPresent)
        {
            // ORT's exception says only "Failed to load shared library"; its log names the file (libcublasLt.so.13 here).
            Assert.Matches(@"ORT could not load lib[\w.+-]+\.so\.\d+", reason);
        }

        using var a = OrtTensor.Create(new float[] { 1, 2 }, [2]);
        using var b = OrtTensor.Create(new float[] { 3, 4 }, [2]);
        var outputs = session.Run([new("a", a), new("b", b)], ["y"]);
        using var y = outputs[0];
        Assert.Equal([4f, 6f], y.ToArray<float>());
    }

    [Fact]
    public void Required_cuda_throws_a_clear_OrtException()
    {
        if (GpuPresent && OrtTestLibrary.Runtime.Flavor == OrtFlavor.Cuda)
        {
            using var session = TestModels.Open(_folder, TestModels.Add(2), options: CudaOptions(require: true));
            Assert.Equal(OrtExecutionProvider.Cuda, session.ExecutionProvider);
            return;
        }

        var ex = Assert.Throws<OrtException>(() => TestModels.Open(_folder, TestModels.Add(2), options: CudaOptions(require: true)));
        Assert.Contains("CUDA execution provider is not available here", ex.Message, StringComparison.Ordinal);
        Assert.Contains("model.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Equal(OrtErrorCode.EpFail, ex.ErrorCode);
    }

    [Fact]
    public void Cuda_options_become_ORT_keys()
    {
        var options = CudaOptions(require: false).Cuda;
        options.Extra["prefer_nhwc"] = "1";
        var pairs = options.ToKeyValues().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("0", pairs["device_id"]);
        Assert.Equal("2147483648", pairs["gpu_mem_limit"]);
        Assert.Equal("HEURISTIC", pairs["cudnn_conv_algo_search"]);
        Assert.Equal("0", pairs["enable_cuda_graph"]);
        Assert.Equal("1", pairs["prefer_nhwc"]);
    }
}
