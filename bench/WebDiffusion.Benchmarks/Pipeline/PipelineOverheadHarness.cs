using System.Diagnostics;
using System.Globalization;
using WebDiffusion.Benchmarks.Server;

namespace WebDiffusion.Benchmarks.Pipeline;

/// <summary>
/// Pipeline overhead per step on the tiny model: (a) one CFG UNet call (batch 2) timed alone, (b) wall time per step of a
/// full txt2img run, taken as (t(2n steps) − t(n steps)) / n so that fixed costs (text encoder, noise, VAE decode) cancel.
/// Overhead = (b − a) / b. A second estimate of (b), robust to a noisy machine: the median interval between consecutive
/// step callbacks over all runs, against the median of single UNet calls. On a shared machine every figure is the best of several repeats: (a) the fastest burst of n
/// consecutive calls divided by n, (b) from the fastest run of each length (medians are printed too). Managed
/// allocations per step by the same difference of GC.GetTotalAllocatedBytes(precise); peak RSS from VmHWM, reset per
/// size where the kernel allows.
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- harness pipeline [--sizes 8,64] [--samplers "Euler,DPM++ 2M"] [--steps 20] [--repeats 7]
/// </summary>
public static class PipelineOverheadHarness
{
    public static async Task<int> RunAsync(HarnessArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var latentSizes = args.IntList("sizes", [8, 64]);
        var samplers = args.StringList("samplers", ["Euler", "DPM++ 2M"]);
        var steps = args.Int("steps", 20);
        var repeats = args.Int("repeats", 7);
        Console.WriteLine($"pipeline overhead: tiny fp32 model, CFG 7 (UNet batch 2), {steps} vs {steps * 2} steps, {repeats} repeats, {Environment.ProcessorCount} cores");
        using var tiny = new TinyPipeline();
        var rows = new List<string>();
        foreach (var latent in latentSizes)
        {
            var image = latent * 8;
            var resetPeak = ProcessMemory.TryResetPeak();
            var call = tiny.NewUNetCall(latent);
            foreach (var sampler in samplers)
            {
                // Warm-up: sessions, schedule caches, JIT of the sampler.
                await tiny.RunAsync(TinyPipeline.Txt2Img(image, sampler, 2));
                var shortRuns = new List<(double Ms, long Bytes)>();
                var longRuns = new List<(double Ms, long Bytes)>();
                var bursts = new List<double>();
                var singles = new List<double>();
                var intervals = new List<double>();
                var unetBytes = 0L;
                for (var r = 0; r < repeats; r++)
                {
                    // Interleaved so that (a) and (b) see the same machine load.
                    (var burst, unetBytes) = TimeUNetBurst(call, steps, singles);
                    bursts.Add(burst);
                    shortRuns.Add(await TimeRunAsync(tiny, TinyPipeline.Txt2Img(image, sampler, steps), intervals));
                    longRuns.Add(await TimeRunAsync(tiny, TinyPipeline.Txt2Img(image, sampler, steps * 2), intervals));
                }

                var unetMedian = Stats.Median(singles);
                var stepMedian = Stats.Median(intervals);

                var unetMs = bursts.Min();
                var shortMs = shortRuns.Min(s => s.Ms);
                var longMs = longRuns.Min(s => s.Ms);
                var stepMs = (longMs - shortMs) / steps;
                var medianStepMs = (Stats.Median([.. longRuns.Select(s => s.Ms)]) - Stats.Median([.. shortRuns.Select(s => s.Ms)])) / steps;
                var stepBytes = (Stats.Median([.. longRuns.Select(s => (double)s.Bytes)]) - Stats.Median([.. shortRuns.Select(s => (double)s.Bytes)])) / steps;
                var overhead = (stepMs - unetMs) / stepMs;
                var row = string.Create(CultureInfo.InvariantCulture,
                    $"| {image}×{image} ({latent}×{latent} latent) | {sampler} | {unetMs:F3} ms (median {Stats.Median(bursts):F3}) | {stepMs:F3} ms (median {medianStepMs:F3}) | {(stepMs - unetMs) * 1000:F0} µs | {overhead * 100:F1}% | {unetMedian:F3} / {stepMedian:F3} ms: {(stepMedian - unetMedian) * 1000:F0} µs = {(stepMedian - unetMedian) / stepMedian * 100:F1}% | {stepBytes / 1024:F1} KiB | {unetBytes / 1024.0:F1} KiB | {shortMs:F1} / {longMs:F1} ms | {ProcessMemory.Mib(ProcessMemory.PeakRss)}{(resetPeak ? string.Empty : " (process peak)")} |");
                rows.Add(row);
                Console.WriteLine(row);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| image (latent) | sampler | (a) UNet call, batch 2 | (b) wall per step | b − a | overhead (b−a)/b | medians: UNet call / step interval: overhead | managed alloc per step | of which in UNet.Predict | run n / 2n steps | peak RSS |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    /// <summary>Mean time of <paramref name="calls"/> consecutive UNet calls (after 2 warm-up calls), and bytes allocated per call.</summary>
    private static (double Ms, long BytesPerCall) TimeUNetBurst(TinyPipeline.UNetCall call, int calls, List<double> singles)
    {
        call.Run();
        call.Run();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        var last = start;
        for (var i = 0; i < calls; i++)
        {
            call.Run();
            var now = Stopwatch.GetTimestamp();
            singles.Add((now - last) * 1000.0 / Stopwatch.Frequency);
            last = now;
        }

        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
        return (ms, (GC.GetAllocatedBytesForCurrentThread() - before) / calls);
    }

    private static async Task<(double Ms, long Bytes)> TimeRunAsync(TinyPipeline tiny, Core.Generation.GenerationRequest request, List<double> intervals)
    {
        var clock = new TinyPipeline.StepClock();
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        await tiny.RunAsync(request, clock);
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        intervals.AddRange(clock.Intervals());
        return (ms, allocated);
    }
}
