using System.Diagnostics;
using WebDiffusion.Onnx;

namespace WebDiffusion.Benchmarks.Binding;

/// <summary>
/// Time from <see cref="CancellationTokenSource.Cancel()"/> to <see cref="OrtSession.Run(ReadOnlySpan{OrtNamedTensor}, ReadOnlySpan{OrtNamedTensor}, CancellationToken)"/>
/// returning (by its exception), for a Run cancelled at a fraction of its usual duration.
/// </summary>
public static class CancelLatency
{
    public sealed record Result(double RunMs, IReadOnlyList<double> LatenciesMs, int FinishedFirst, string Outcome);

    public static Result Measure(SessionCall call, int trials, double atFraction)
    {
        ArgumentNullException.ThrowIfNull(call);
        call.Run();
        var runs = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var start = Stopwatch.GetTimestamp();
            call.Run();
            runs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var runMs = Server.Stats.Median(runs);
        var latencies = new List<double>();
        var finishedFirst = 0;
        var outcome = "none";
        for (var t = 0; t < trials; t++)
        {
            using var cts = new CancellationTokenSource();
            long cancelledAt = 0;
            long returnedAt = 0;
            using var started = new ManualResetEventSlim();
            var worker = new Thread(() =>
            {
                started.Set();
                try
                {
                    call.Run(cts.Token);
                    outcome = "returned normally";
                }
                catch (Exception ex)
                {
                    outcome = ex.GetType().Name;
                }

                returnedAt = Stopwatch.GetTimestamp();
            });
            worker.Start();
            started.Wait();
            var begin = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(begin).TotalMilliseconds < runMs * atFraction)
            {
                Thread.Sleep(1);
            }

            cancelledAt = Stopwatch.GetTimestamp();
            cts.Cancel();
            worker.Join();
            if (returnedAt <= cancelledAt || outcome == "returned normally")
            {
                finishedFirst++;
                continue;
            }

            latencies.Add((returnedAt - cancelledAt) * 1000.0 / Stopwatch.Frequency);
        }

        return new Result(runMs, latencies, finishedFirst, outcome);
    }
}
