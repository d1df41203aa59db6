using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Benchmarks.Server;

/// <summary>
/// Hub fan-out: N SignalR clients subscribed to the same owner's jobs (SubscribeMine) while jobs with many steps run
/// back to back. Reports events/s delivered per client and in total, bytes/s, and whether any client fell behind: events
/// missed (fewer than the others received) and lag = a client's receive time minus the earliest receive time of the same
/// event across clients. Step events are throttled by the worker to ~10/s per job, so the delivered step rate is bounded
/// by design; the lag is what shows a slow fan-out.
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- harness hub-throughput [--clients 20] [--jobs 4] [--steps 150] [--size 512]
/// </summary>
public static class HubThroughputHarness
{
    public static async Task<int> RunAsync(HarnessArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var clientCount = args.Int("clients", 20);
        var jobCount = args.Int("jobs", 4);
        var steps = args.Int("steps", 150);
        var size = args.Int("size", 512);
        await using var server = await BenchServer.StartAsync();
        using var http = server.NewClient();
        var warm = await BenchServer.SubmitAsync(http, BenchServer.TinyJob(steps: 2, size: size));
        await BenchServer.WaitAsync(http, warm, TimeSpan.FromSeconds(60));

        var clients = new List<HubEventStream>();
        var sockets = new List<CountingWebSocket>();
        try
        {
            for (var i = 0; i < clientCount; i++)
            {
                CountingWebSocket? socket = null;
                var client = await HubEventStream.ConnectAsync(server.BaseAddress, "/hubs/progress", options =>
                {
                    options.Transports = HttpTransportType.WebSockets;
                    options.WebSocketFactory = async (context, cancellationToken) => socket = await CountingWebSocket.ConnectAsync(context.Uri, cancellationToken);
                });
                await client.InvokeAsync("SubscribeMine");
                clients.Add(client);
                sockets.Add(socket ?? throw new InvalidOperationException("the SignalR client did not open a WebSocket"));
            }

            var bytesBefore = sockets.Select(s => s.BytesReceived).ToArray();
            var ids = new List<string>();
            for (var j = 0; j < jobCount; j++)
            {
                ids.Add(await BenchServer.SubmitAsync(http, BenchServer.TinyJob(steps: steps, size: size, seed: j)));
            }

            var last = ids[^1];
            var received = await Task.WhenAll(clients.Select(c => CollectAsync(c, last)));
            var bytes = sockets.Select((s, i) => s.BytesReceived - bytesBefore[i]).ToArray();
            Report(received, bytes, ids, clientCount, steps, size);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        return 0;
    }

    private static async Task<List<HubEvent>> CollectAsync(HubEventStream client, string lastJob)
    {
        var events = await client.ReadUntilAsync("finished", e => e.GetProperty("jobId").GetString() == lastJob, TimeSpan.FromMinutes(10));
        return [.. events.Where(e => e.Target is "queued" or "started" or "step" or "imageSaved" or "finished")];
    }

    private static void Report(List<HubEvent>[] received, long[] bytes, List<string> ids, int clientCount, int steps, int size)
    {
        // One key per distinct server event.
        static string Key(HubEvent e) =>
            e.Target + "|" + e.Argument.GetProperty("jobId").GetString() + "|" + (e.Target == "step" ? e.Argument.GetProperty("step").GetInt32().ToString(CultureInfo.InvariantCulture) : string.Empty);

        var earliest = new Dictionary<string, long>();
        foreach (var e in received.SelectMany(r => r))
        {
            var key = Key(e);
            earliest[key] = earliest.TryGetValue(key, out var t) ? Math.Min(t, e.ReceivedAt) : e.ReceivedAt;
        }

        var firstStart = received.SelectMany(r => r).Where(e => e.Target == "started").Min(e => e.ReceivedAt);
        var lastFinish = received.SelectMany(r => r).Where(e => e.Target == "finished").Max(e => e.ReceivedAt);
        var seconds = (lastFinish - firstStart) / (double)Stopwatch.Frequency;
        var lags = received.SelectMany(r => r).Select(e => (e.ReceivedAt - earliest[Key(e)]) * 1000.0 / Stopwatch.Frequency).ToList();
        var counts = received.Select(r => r.Count).ToArray();
        var stepCounts = received.Select(r => r.Count(e => e.Target == "step")).ToArray();
        var distinctSteps = earliest.Keys.Count(k => k.StartsWith("step|", StringComparison.Ordinal));
        var missed = received.Count(r => r.Count < earliest.Count);
        var previews = received[0].Count(e => e.Target == "step" && e.Argument.GetProperty("preview").ValueKind == JsonValueKind.String);
        var stepRate = distinctSteps / seconds; // jobs run one at a time

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hub throughput: {clientCount} clients on SubscribeMine, {ids.Count} jobs × {steps} steps at {size}×{size}, run back to back in {seconds:F1} s, {Environment.ProcessorCount} cores"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  distinct events sent: {earliest.Count} ({distinctSteps} step events of {ids.Count * steps} steps, {previews} with a preview) → {stepRate:F1} step events/s (one job runs at a time)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  per client: {counts.Min()}–{counts.Max()} events ({stepCounts.Min()}–{stepCounts.Max()} steps), {counts.Average() / seconds:F1} events/s, {bytes.Average() / seconds / 1024:F1} KiB/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  total delivered: {counts.Sum()} events, {counts.Sum() / seconds:F0} events/s, {bytes.Sum() / seconds / 1024:F0} KiB/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  clients that missed an event: {missed}; fan-out lag behind the first client to read each event: {Stats.Summary(lags)}"));
    }
}
