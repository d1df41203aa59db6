using System.Globalization;
using System.Text.Json;
using WebDiffusion.Benchmarks.Pipeline;
using WebDiffusion.Benchmarks.Server;
using WebDiffusion.ModelKit;
using WebDiffusion.Onnx;
using WebDiffusion.Onnx.ModelWriter;

namespace WebDiffusion.Benchmarks.Binding;

/// <summary>
/// What the ORT binding costs around the model, in numbers that compare across builds (the ORT 1.32 package against the
/// former own C-API binding, run from a worktree of that commit): (1) per-Run time (median of single Runs) and managed
/// bytes per Run (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) on an Add graph, the tiny UNet and the analytic UNet,
/// with pre-allocated outputs (without and with a live cancellation token), through an IO binding made once, and with
/// ORT-allocated outputs, one intra-op thread; (2) the pipeline's per-step overhead on the tiny
/// model, median step interval ÷ median UNet call (UNet.Predict, batch 2, CFG), Euler; (3) cancel latency, the time from
/// Cancel() to Run returning, for a tiny-UNet Run at a large latent cancelled at 25 % of its usual duration.
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- harness binding [--budget-ms 1500] [--steps 20]
///   [--repeats 5] [--cancel-side 256] [--cancel-trials 20] [--cancel-at 25] [--json results.json]
/// </summary>
public static class OrtBindingHarness
{
    public static async Task<int> RunAsync(HarnessArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var budget = TimeSpan.FromMilliseconds(args.Int("budget-ms", 1500));
        var steps = args.Int("steps", 20);
        var repeats = args.Int("repeats", 5);
        var cancelSide = args.Int("cancel-side", 256);
        var cancelTrials = args.Int("cancel-trials", 20);
        var cancelAt = args.Int("cancel-at", 25) / 100.0;
        var results = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var folder = Directory.CreateTempSubdirectory("wd-bench-binding-").FullName;
        try
        {
            using var runtime = LoadRuntime();
            Console.WriteLine($"ORT binding: {typeof(OrtRuntime).Assembly.GetName().Name} against ORT {runtime.Version}, {Environment.ProcessorCount} cores");
            var add = WriteAddModel(folder);
            var tiny = Path.Combine(folder, "tiny");
            TinyModelWriter.WriteModel(tiny, TinyModelVariant.Fp32, _ => { });
            var analytic = Path.Combine(folder, "analytic");
            TinyModelWriter.WriteAnalyticModel(analytic, AnalyticModelParameters.Default, _ => { });

            Console.WriteLine();
            Console.WriteLine("| model | latent | Run, outputs pre-allocated | bytes/Run | same, live token | bytes/Run | IO binding, live token | bytes/Run | ORT allocates outputs | bytes/Run |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            var single = new OrtSessionOptions { IntraOpThreads = 1 };
            foreach (var (name, path, side) in new[]
            {
                ("add", add, 64),
                ("tiny", UNetPath(tiny), 8),
                ("tiny", UNetPath(tiny), 64),
                ("analytic", UNetPath(analytic), 8),
                ("analytic", UNetPath(analytic), 64),
            })
            {
                using var session = runtime.CreateSession(path, single);
                using var call = new SessionCall(session, side);
                using var live = new CancellationTokenSource();
                var key = $"run.{name}.{side}";
                var cells = new List<string>();
                foreach (var (variant, action) in new (string, Action)[]
                {
                    ("pre", () => call.Run()),
                    ("token", () => call.Run(live.Token)),
                    ("binding", () => call.RunBound(live.Token)),
                    ("ortalloc", call.RunAllocatingOutputs),
                })
                {
                    var measured = CallTimer.Measure(action, budget);
                    results[$"{key}.{variant}.ms"] = measured.MedianMs;
                    results[$"{key}.{variant}.bytes"] = measured.BytesPerCall;
                    cells.Add(Invariant($"{measured.MedianMs * 1000:F1} µs | {measured.BytesPerCall:F0} B"));
                }

                Console.WriteLine($"| {name} | {side}×{side} | {string.Join(" | ", cells)} |");
            }

            await PipelineOverheadAsync(steps, repeats, results);
            CancelLatencies(runtime, tiny, cancelSide, cancelTrials, cancelAt, results);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        if (args.String("json", string.Empty) is { Length: > 0 } json)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"results written to {json}");
        }

        return 0;
    }

    /// <summary>The one line that differs between binding generations (the old one took the library path from WD_ORT_LIB).</summary>
    private static OrtRuntime LoadRuntime() => OrtRuntime.Load();

    private static string UNetPath(string modelFolder) => Path.Combine(modelFolder, "unet", "model.onnx");

    private static string WriteAddModel(string folder)
    {
        var g = new OnnxGraphBuilder("add");
        g.Input("a", TensorElementType.Float, 1, 4, 64, 64);
        g.Input("b", TensorElementType.Float, 1, 4, 64, 64);
        g.Node("Add", ["a", "b"], ["y"]);
        g.Output("y", TensorElementType.Float, 1, 4, 64, 64);
        var path = Path.Combine(folder, "add.onnx");
        g.Save(path);
        return path;
    }

    private static async Task PipelineOverheadAsync(int steps, int repeats, SortedDictionary<string, double> results)
    {
        Console.WriteLine();
        Console.WriteLine($"| pipeline (tiny, Euler, CFG 7, {steps} steps × {repeats}) | UNet.Predict batch 2 (median) | bytes/call | step interval (median) | interval ÷ UNet | overhead per step |");
        Console.WriteLine("|---|---|---|---|---|---|");
        using var tiny = new TinyPipeline();
        foreach (var latent in new[] { 8, 64 })
        {
            var image = latent * 8;
            var call = tiny.NewUNetCall(latent);
            await tiny.RunAsync(TinyPipeline.Txt2Img(image, "Euler", 2));
            var unet = new List<double>();
            var intervals = new List<double>();
            var bytes = new List<double>();
            for (var r = 0; r < repeats; r++)
            {
                var measured = CallTimer.Measure(call.Run, TimeSpan.FromMilliseconds(300), minCalls: steps, maxCalls: steps * 4);
                unet.Add(measured.MedianMs);
                bytes.Add(measured.BytesPerCall);
                var clock = new TinyPipeline.StepClock();
                await tiny.RunAsync(TinyPipeline.Txt2Img(image, "Euler", steps), clock);
                intervals.AddRange(clock.Intervals());
            }

            var unetMs = Stats.Median(unet);
            var stepMs = Stats.Median(intervals);
            var key = $"pipeline.{latent}";
            results[key + ".unet.ms"] = unetMs;
            results[key + ".unet.bytes"] = Stats.Median(bytes);
            results[key + ".step.ms"] = stepMs;
            results[key + ".ratio"] = stepMs / unetMs;
            Console.WriteLine(Invariant($"| {image}×{image} ({latent}×{latent} latent) | {unetMs:F3} ms | {Stats.Median(bytes):F0} B | {stepMs:F3} ms | {stepMs / unetMs:F3} | {(stepMs - unetMs) * 1000:F0} µs |"));
        }
    }

    private static void CancelLatencies(OrtRuntime runtime, string tiny, int side, int trials, double at, SortedDictionary<string, double> results)
    {
        using var session = runtime.CreateSession(UNetPath(tiny), new OrtSessionOptions { IntraOpThreads = Math.Max(1, Environment.ProcessorCount) });
        using var call = new SessionCall(session, side);
        var result = CancelLatency.Measure(call, trials, at);
        results["cancel.run.ms"] = result.RunMs;
        results["cancel.p50.ms"] = Stats.Median(result.LatenciesMs);
        results["cancel.max.ms"] = result.LatenciesMs.Count > 0 ? result.LatenciesMs.Max() : double.NaN;
        results["cancel.finished-first"] = result.FinishedFirst;
        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"cancel: tiny UNet, batch 2, {side}×{side} latent, Run {result.RunMs:F1} ms, cancelled at {at * 100:F0} %: {Stats.Summary(result.LatenciesMs)}; {result.FinishedFirst} of {trials} finished before the cancel; Run ended with {result.Outcome}"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
