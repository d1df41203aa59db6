using WebDiffusion.Onnx.Native;
using WebDiffusion.Onnx.Tests.Infrastructure;

namespace WebDiffusion.Onnx.Tests.Runtime;

public class OrtRuntimeTests
{
    [Fact]
    public void Loads_version_1_22_and_lists_the_cpu_provider()
    {
        var runtime = OrtTestLibrary.Runtime;
        Assert.Equal("1.22.0", runtime.Version);
        Assert.Equal(OrtTestLibrary.Path, runtime.LibraryPath);
        Assert.Contains("CPUExecutionProvider", runtime.AvailableProviders);
        Assert.Contains("git-commit-id", runtime.BuildInfo, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_load_of_the_same_library_shares_it_and_disposes_independently()
    {
        var first = OrtTestLibrary.Runtime;
        var second = OrtRuntime.Load(new OrtRuntimeOptions { LibraryPath = OrtTestLibrary.Path });
        Assert.Equal(first.Version, second.Version);
        second.Dispose();
        second.Dispose();

        using var folder = new TempFolder();
        using var session = TestModels.Open(folder, TestModels.Add(2));
        Assert.Equal(2, session.Inputs.Count);
    }

    [Fact]
    public void A_folder_is_accepted_as_the_library_path()
    {
        using var runtime = OrtRuntime.Load(new OrtRuntimeOptions { LibraryPath = Path.GetDirectoryName(OrtTestLibrary.Path) });
        Assert.Equal(OrtTestLibrary.Path, runtime.LibraryPath);
    }

    [Fact]
    public void A_missing_explicit_library_names_the_path()
    {
        _ = OrtTestLibrary.Runtime;
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "libonnxruntime.so.1");
        var ex = Assert.Throws<FileNotFoundException>(() => OrtRuntime.Load(new OrtRuntimeOptions { LibraryPath = missing }));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_library_file_in_the_same_process_is_refused()
    {
        _ = OrtTestLibrary.Runtime;
        using var folder = new TempFolder();
        var copy = folder.File(OrtLibraryLocator.LibraryFileName);
        File.Copy(OrtTestLibrary.Path, copy);
        var ex = Assert.Throws<InvalidOperationException>(() => OrtRuntime.Load(new OrtRuntimeOptions { LibraryPath = copy }));
        Assert.Contains(OrtTestLibrary.Path, ex.Message, StringComparison.Ordinal);
        Assert.Contains(copy, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.22.0", true)]
    [InlineData("1.30.0", true)]
    [InlineData("2.0.0", true)]
    [InlineData("1.21.1", false)]
    [InlineData("1.8.0", false)]
    [InlineData("garbage", false)]
    public void Versions_older_than_1_22_are_refused(string version, bool supported) =>
        Assert.Equal(supported, OrtNative.IsSupported(version));

    [Fact]
    public void The_search_order_is_app_folder_extra_folders_then_the_set_up_cache()
    {
        var options = new OrtRuntimeOptions();
        options.SearchDirectories.Add("/opt/ort");
        var candidates = OrtLibraryLocator.Candidates(options);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, OrtLibraryLocator.LibraryFileName), candidates[0]);
        Assert.Equal(Path.Combine("/opt/ort", OrtLibraryLocator.LibraryFileName), candidates[1]);
        Assert.All(candidates.Skip(2), c => Assert.Contains(Path.Combine(".cache", "onnxruntime", "1.22.0"), c, StringComparison.Ordinal));
    }
}
