using System.Diagnostics;
using System.Globalization;
using WebDiffusion.Benchmarks.Server;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Core.Lora;
using WebDiffusion.Core.Models;

namespace WebDiffusion.Benchmarks.Checkpoints;

/// <summary>
/// Switching a LoRA's weight on a loaded checkpoint (issue 17's "0.8 → 0.6 between two jobs"): SD 1.5's 16 spatial
/// transformers give 144 attention kernels (attn1/attn2 q, k, v, out and proj_in); they are generated with random fp16
/// values (~210 MB temp file), a random kohya LoRA of rank <c>rank</c> is written for all 144, and the path the pipeline
/// takes between jobs is timed: <see cref="CheckpointLoraState.Apply"/> merging only the targeted tensors from the bank's
/// base values and rebinding them (no graph compile, no checkpoint read). Reported: bank load (fp16 → fp32 copy, once per
/// model load), first apply, each new weight (cache miss), a repeated set (cache hit), back to no LoRA; managed bytes allocated per switch (all threads).
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- harness lora-switch [--rank 16] [--repeats 5]
/// </summary>
public static class LoraSwitchHarness
{
    private static readonly string[] Kernels = ["attn1.to_q", "attn1.to_k", "attn1.to_v", "attn1.to_out.0", "attn2.to_q", "attn2.to_k", "attn2.to_v", "attn2.to_out.0"];

    public static Task<int> RunAsync(HarnessArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var rank = args.Int("rank", 16);
        var repeats = args.Int("repeats", 5);
        var folder = Directory.CreateTempSubdirectory("wd-lora-bench-").FullName;
        try
        {
            var targets = UNetCheckpointLayout.Tensors(UNetCompileHarness.Sd15).Where(t => IsTarget(t.Name)).ToList();
            var checkpointPath = Path.Combine(folder, "sd15-attention-fp16.safetensors");
            var bytes = RandomCheckpointWriter.Write(checkpointPath, targets);
            using var checkpoint = SafetensorsFile.Open(checkpointPath);
            var keys = LoraKeyMap.For(checkpoint, UNetCompileHarness.Sd15);
            var loraPath = Path.Combine(folder, "random-lora.safetensors");
            var loraBytes = RandomCheckpointWriter.Write(loraPath, [.. keys.Keys.SelectMany(k => Factors(k.Key, checkpoint.Get(k.Value).Shape, rank))], seed: 7);
            var network = LoraNetwork.Load(loraPath);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{targets.Count} target tensors ({targets.Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b)):N0} parameters, {ProcessMemory.Mib(bytes)} fp16), LoRA rank {rank}: {network.Modules.Count} modules, {ProcessMemory.Mib(loraBytes)}; {Environment.ProcessorCount} cores"));

            var clock = Stopwatch.StartNew();
            using var unet = new WeightBank(checkpoint, targets.Select(t => t.Name));
            using var text = new WeightBank(checkpoint, []);
            Report("bank load (fp16 -> fp32 copy, once per model load)", clock.Elapsed, 0);
            var state = new CheckpointLoraState(keys, text, unet);

            Measure("first apply 0.8", () => state.Apply([new LoraActivation(network, "random", 0.8f, 0.8f)]));
            for (var i = 0; i < repeats; i++)
            {
                var weight = 0.6f - (0.01f * i);
                Measure(string.Create(CultureInfo.InvariantCulture, $"switch to {weight:0.00} (cache miss: merge 144 + bind)"), () => state.Apply([new LoraActivation(network, "random", weight, weight)]));
            }

            var previous = 0.6f - (0.01f * Math.Max(0, repeats - 2));
            Measure(string.Create(CultureInfo.InvariantCulture, $"switch back to {previous:0.00} (cache hit: bind only)"), () => state.Apply([new LoraActivation(network, "random", previous, previous)]));
            Measure("no LoRA (checkpoint weights)", () => state.Apply([]));
            return Task.FromResult(0);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static bool IsTarget(string name) =>
        name.EndsWith(".weight", StringComparison.Ordinal) &&
        (name.EndsWith(".proj_in.weight", StringComparison.Ordinal) || Kernels.Any(k => name.EndsWith(".transformer_blocks.0." + k + ".weight", StringComparison.Ordinal)));

    private static IEnumerable<(string Name, long[] Shape)> Factors(string module, IReadOnlyList<long> weight, int rank)
    {
        var columns = weight.Skip(1).Aggregate(1L, (a, b) => a * b);
        var conv = weight.Count == 4;
        yield return (module + ".lora_down.weight", conv ? [rank, weight[1], weight[2], weight[3]] : [rank, columns]);
        yield return (module + ".lora_up.weight", conv ? [weight[0], rank, 1, 1] : [weight[0], rank]);
    }

    private static void Measure(string what, Func<LoraApplication> apply)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var result = apply();
        var elapsed = clock.Elapsed;
        Report($"{what}: {result.ChangedWeights} weights bound{(result.FromCache ? ", from cache" : string.Empty)}", elapsed, GC.GetTotalAllocatedBytes(precise: true) - allocated);
    }

    private static void Report(string what, TimeSpan elapsed, long allocated) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what}: {elapsed.TotalMilliseconds:F1} ms, {allocated / 1048576.0:F1} MiB allocated"));
}
