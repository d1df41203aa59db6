using System.Diagnostics;

namespace WebDiffusion.Benchmarks.Binding;

/// <summary>Times single calls: the median of each call's wall time and the managed bytes per call on the calling thread.</summary>
public static class CallTimer
{
    /// <summary>Runs <paramref name="call"/> (after warm-up) until <paramref name="budget"/> passes or <paramref name="maxCalls"/> calls.</summary>
    public static (double MedianMs, double BytesPerCall, int Calls) Measure(Action call, TimeSpan budget, int minCalls = 30, int maxCalls = 20000)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (var i = 0; i < 5; i++)
        {
            call();
        }

        var times = new List<double>(Math.Min(maxCalls, 4096));
        var start = Stopwatch.GetTimestamp();
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var last = start;
        while (times.Count < minCalls || (times.Count < maxCalls && Stopwatch.GetElapsedTime(start) < budget))
        {
            call();
            var now = Stopwatch.GetTimestamp();
            times.Add((now - last) * 1000.0 / Stopwatch.Frequency);
            last = now;
        }

        // The list's own growth is on this thread too; it is small next to the calls and the same on both sides.
        var allocated = GC.GetAllocatedBytesForCurrentThread() - bytes;
        return (Server.Stats.Median(times), (double)allocated / times.Count, times.Count);
    }
}
