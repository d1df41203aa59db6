using System.Diagnostics;
using System.Globalization;
using WebDiffusion.Benchmarks.Server;
using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Core.Checkpoints.Safetensors;
using WebDiffusion.Onnx;

namespace WebDiffusion.Benchmarks.Checkpoints;

/// <summary>
/// Our compiled UNet vs an exported ONNX UNet of the same weights (e.g. ldm's <c>UNetModel</c> through <c>torch.onnx.export</c>),
/// one after the other in the same process and ORT, on the same inputs (<see cref="UNetRunTimer"/>): session create, first
/// and steady <c>Run</c> at a <c>latent</c>² latent, batch <c>batch</c>, the ratio of steady Runs, peak RSS, and max |difference|
/// of the outputs (both graphs compute the same function of the same weights).
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- harness onnx-unet --checkpoint ckpt.safetensors --onnx unet.onnx [--runs 2] [--latent 64] [--batch 2] [--attention fused]
/// </summary>
public static class OnnxUNetHarness
{
    public static Task<int> RunAsync(HarnessArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var checkpoint = args.String("checkpoint", string.Empty);
        var exported = args.String("onnx", string.Empty);
        if (checkpoint.Length == 0 || exported.Length == 0)
        {
            Console.Error.WriteLine("onnx-unet needs --checkpoint <file.safetensors> and --onnx <unet.onnx>");
            return Task.FromResult(2);
        }

        var latent = args.Int("latent", 64);
        var batch = args.Int("batch", 2);
        var runs = args.Int("runs", 2);
        var fused = args.String("attention", "fused") == "fused";
        var options = new OrtSessionOptions { IntraOpThreads = Math.Max(1, Environment.ProcessorCount) };
        using var runtime = OrtRuntime.Load();

        float[] ours;
        double oursSteady;
        using (var tensors = SafetensorsFile.Open(checkpoint))
        {
            var graph = UNetCompiler.Compile(tensors, UNetCompileHarness.Sd15, UNetCheckpointLayout.Prefix, new UNetCompileOptions { FusedAttention = fused });
            (ours, oursSteady) = Measure($"ours ({(fused ? "fused" : "plain")} attention)", () => graph.Open(runtime, options), latent, batch, runs);
        }

        var (theirs, theirsSteady) = Measure("exported", () => runtime.CreateSession(exported, options), latent, batch, runs);
        var maxDiff = ours.Zip(theirs, (a, b) => MathF.Abs(a - b)).Max();
        var maxRef = theirs.Max(MathF.Abs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"steady Run ours / exported = {oursSteady / theirsSteady:F2}; outputs max |ours - exported| {maxDiff:G3} (max |exported| {maxRef:G3}), lengths {ours.Length} / {theirs.Length}"));
        return Task.FromResult(0);
    }

    private static (float[] Output, double Steady) Measure(string label, Func<OrtSession> open, int latent, int batch, int runs)
    {
        ProcessMemory.FullCollect();
        var peakReset = ProcessMemory.TryResetPeak();
        var load = SystemLoad.Describe();
        var clock = Stopwatch.StartNew();
        using var session = open();
        var openS = clock.Elapsed.TotalSeconds;
        var (times, output) = UNetRunTimer.Time(session, latent, batch, UNetCompileHarness.Sd15.ContextDim, runs);
        var steady = times.Skip(1).ToList();
        var median = Stats.Median(steady);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: session create {openS:F1} s, first Run {times[0]:F1} s, steady Run median {median:F1} / min {steady.Min():F1} s over {steady.Count} [{string.Join(", ", times.Select(t => t.ToString("F1", CultureInfo.InvariantCulture)))}], peak RSS {ProcessMemory.Mib(ProcessMemory.PeakRss)}{(peakReset ? string.Empty : " (process peak)")} ({load} at start, {SystemLoad.Describe()} at end)"));
        return (output, median);
    }
}
