using System.Diagnostics;
using System.Globalization;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Benchmarks.Server;

/// <summary>
/// Queue → worker latency on a real loopback server: for small jobs submitted one at a time (the worker idle), the time
/// from POST /api/jobs returning to the hub's <c>started</c> event (SubscribeMine over the SignalR JSON protocol),
/// and from the POST being sent to <c>started</c>. Event times are taken when the client reads the frame.
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- harness queue-latency [--jobs 50] [--steps 1]
/// </summary>
public static class QueueLatencyHarness
{
    public static async Task<int> RunAsync(HarnessArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var jobs = args.Int("jobs", 50);
        var steps = args.Int("steps", 1);
        await using var server = await BenchServer.StartAsync();
        using var http = server.NewClient();
        await using var hub = await HubEventStream.ConnectAsync(server.BaseAddress, "/hubs/progress");
        await hub.InvokeAsync("SubscribeMine");

        // Warm-up: loads the model, JITs the paths.
        for (var i = 0; i < 3; i++)
        {
            var id = await BenchServer.SubmitAsync(http, BenchServer.TinyJob(steps: steps, seed: i));
            await hub.ReadUntilAsync("finished", e => e.GetProperty("jobId").GetString() == id, TimeSpan.FromSeconds(60));
        }

        var fromReturn = new List<double>();
        var fromSend = new List<double>();
        var runTimes = new List<double>();
        var startedBeforeReturn = 0;
        for (var i = 0; i < jobs; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            var id = await BenchServer.SubmitAsync(http, BenchServer.TinyJob(steps: steps, seed: 100 + i));
            var returned = Stopwatch.GetTimestamp();
            var events = await hub.ReadUntilAsync("finished", e => e.GetProperty("jobId").GetString() == id, TimeSpan.FromSeconds(60));
            var started = events.Single(e => e.Target == "started" && e.Argument.GetProperty("jobId").GetString() == id).ReceivedAt;
            var finished = events[^1].ReceivedAt;
            fromReturn.Add(Ms(started - returned));
            fromSend.Add(Ms(started - sent));
            runTimes.Add(Ms(finished - started));
            if (started < returned)
            {
                startedBeforeReturn++;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"queue → worker latency, {jobs} jobs of {steps} step(s) at 64×64, one at a time, {Environment.ProcessorCount} cores"));
        Console.WriteLine("  POST returned → started event: " + Stats.Summary(fromReturn)
            + string.Create(CultureInfo.InvariantCulture, $" ({startedBeforeReturn} of {jobs} started events were read before the POST's response: negative values)"));
        Console.WriteLine("  POST sent     → started event: " + Stats.Summary(fromSend));
        Console.WriteLine("  started → finished (job run):  " + Stats.Summary(runTimes));
        return 0;
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
