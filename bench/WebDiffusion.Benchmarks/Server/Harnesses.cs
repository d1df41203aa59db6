using WebDiffusion.Benchmarks.Checkpoints;
using WebDiffusion.Benchmarks.Pipeline;

namespace WebDiffusion.Benchmarks.Server;

/// <summary>The plain (non-BenchmarkDotNet) measurements: <c>-- harness &lt;name&gt; [--option value ...]</c>.</summary>
public static class Harnesses
{
    private static readonly Dictionary<string, Func<HarnessArgs, Task<int>>> All = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pipeline"] = PipelineOverheadHarness.RunAsync,
        ["queue-latency"] = QueueLatencyHarness.RunAsync,
        ["hub-throughput"] = HubThroughputHarness.RunAsync,
        ["memory"] = MemoryGrowthHarness.RunAsync,
        ["load"] = LoadHarness.RunAsync,
        ["unet-compile"] = UNetCompileHarness.RunAsync,
        ["lora-switch"] = LoraSwitchHarness.RunAsync,
        ["binding"] = Binding.OrtBindingHarness.RunAsync,
        ["checkpoint"] = CheckpointLoadHarness.RunAsync,
        ["onnx-unet"] = OnnxUNetHarness.RunAsync,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || !All.TryGetValue(args[0], out var harness))
        {
            await Console.Error.WriteLineAsync("Usage: harness <" + string.Join('|', All.Keys) + "> [--option value ...]  (see bench/README.md)");
            return 2;
        }

        return await harness(new HarnessArgs(args[1..]));
    }
}
