using WebDiffusion.Onnx.Package;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Runtime;

public class OrtRuntimeTests
{
    [Fact]
    public void Loads_the_package_version_and_lists_the_cpu_provider()
    {
        var runtime = OrtTestLibrary.Runtime;
        Assert.Equal("1.32.0", runtime.Version);
        Assert.Contains("CPUExecutionProvider", runtime.AvailableProviders);
        Assert.Equal(OrtFlavorAttribute.Current, runtime.Flavor);
        Assert.Equal(runtime.Flavor == OrtFlavor.Cuda, runtime.AvailableProviders.Contains("CUDAExecutionProvider"));
    }

    [Fact]
    public void The_library_path_is_the_file_the_process_mapped()
    {
        var path = OrtTestLibrary.Runtime.LibraryPath;
        Assert.True(File.Exists(path), path);
        Assert.StartsWith("libonnxruntime.so", Path.GetFileName(path), StringComparison.Ordinal);
        Assert.Contains(File.ReadLines("/proc/self/maps"), line => line.EndsWith(path, StringComparison.Ordinal));
    }

    [Fact]
    public void A_second_load_shares_the_environment_and_disposes_independently()
    {
        var first = OrtTestLibrary.Runtime;
        var second = OrtRuntime.Load();
        Assert.Equal(first.Version, second.Version);
        second.Dispose();
        second.Dispose();
        Assert.True(second.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => second.CreateSession("x.onnx"));

        using var folder = new TempFolder();
        using var session = TestModels.Open(folder, TestModels.Add(2));
        Assert.Equal(2, session.Inputs.Count);
    }

    [Theory]
    [InlineData("[ErrorCode:InvalidArgument] bad input", OrtErrorCode.InvalidArgument, "bad input")]
    [InlineData("[ErrorCode:NoSuchFile] Load model x failed", OrtErrorCode.NoSuchFile, "Load model x failed")]
    [InlineData("[ErrorCode:SomethingNew] text", OrtErrorCode.Fail, "text")]
    [InlineData("no prefix at all", OrtErrorCode.Fail, "no prefix at all")]
    public void Package_error_messages_give_code_and_text(string message, OrtErrorCode code, string text) =>
        Assert.Equal((code, text), OrtErrors.Parse(message));

    [Theory]
    [InlineData(
        "Failed to load library /x/libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory",
        "libcublasLt.so.13")]
    [InlineData("libcudnn.so.9: cannot open shared object file", "libcudnn.so.9")]
    [InlineData("some other message", null)]
    public void The_missing_library_is_read_from_ORT_log(string message, string? missing) =>
        Assert.Equal(missing, OrtLog.MissingLibrary(message));
}
