using System.Text.Json;
using Microsoft.Extensions.Configuration;
using WebDiffusion.Onnx;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Runtime;

public class OnnxRuntimeStatusTests
{
    [Fact]
    public async Task Api_system_says_what_the_loaded_model_really_runs_on_not_only_what_the_build_lists()
    {
        // CUDA asked for on a machine without it: the build still lists CUDA, the model runs on the CPU.
        await using var server = await LoopbackServer.StartAsync(
            prepare: root => DemoModel.Write(root),
            configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["WebDiffusion:ExecutionProvider"] = "cuda", ["WebDiffusion:CpuThreads"] = "1" }));
        var before = await OrtStatusAsync(server);
        Assert.Equal("cuda", before.GetProperty("requestedProvider").GetString());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("activeProvider").ValueKind);
        Assert.Equal(1, before.GetProperty("cpuThreads").GetInt32());

        var id = await Jobs.JobApi.SubmitAsync(server.Client, Jobs.JobApi.Tiny(steps: 1));
        Assert.Equal("done", (await Jobs.JobApi.WaitAsync(server.Client, id, TimeSpan.FromSeconds(60))).GetProperty("state").GetString());

        var active = (await OrtStatusAsync(server)).GetProperty("activeProvider").GetString();
        if (File.Exists("/dev/nvidia0"))
        {
            Assert.Contains(active, new[] { "cpu", "cuda" }); // a GPU host: CUDA works or the session fell back
        }
        else
        {
            Assert.Equal("cpu", active); // no GPU: the fallback is reported, not the request
        }
    }

    private static async Task<JsonElement> OrtStatusAsync(LoopbackServer server)
    {
        using var system = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/system", UriKind.Relative)));
        return system.RootElement.GetProperty("onnxRuntime").Clone();
    }

    [Fact]
    public async Task Api_system_reports_the_loaded_runtime_and_the_server_shares_it()
    {
        await using var server = await LoopbackServer.StartAsync();

        using var system = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/system", UriKind.Relative)));
        var ort = system.RootElement.GetProperty("onnxRuntime");

        Assert.Equal("1.32.0", ort.GetProperty("version").GetString());
        var libraryPath = ort.GetProperty("libraryPath").GetString();
        Assert.True(File.Exists(libraryPath), libraryPath);
        Assert.StartsWith("libonnxruntime.so", Path.GetFileName(libraryPath), StringComparison.Ordinal);
        Assert.Contains("CPUExecutionProvider", ort.GetProperty("providers").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(JsonValueKind.Null, ort.GetProperty("error").ValueKind);

        var runtime = server.Services.GetRequiredService<OrtRuntime>();
        Assert.Same(runtime, server.Services.GetRequiredService<OrtRuntime>());
        Assert.Equal(libraryPath, runtime.LibraryPath);
    }

    [Fact]
    public async Task The_removed_onnxruntime_flag_is_refused()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var server = await LoopbackServer.StartAsync(["--onnxruntime", "/opt/ort/libonnxruntime.so.1"]);
        });
        Assert.Contains("--onnxruntime", ex.ToString(), StringComparison.Ordinal);
    }
}
