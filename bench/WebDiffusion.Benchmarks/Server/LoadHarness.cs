using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WebDiffusion.Benchmarks.Server;

/// <summary>
/// Load on loopback: the server with <c>--api-auth</c> for U users, C concurrent HttpClients (client i signs in as user
/// i mod U) polling GET /sdapi/v1/progress and GET /api/jobs/{id} with a think time, and each submitting a tiny job now
/// and then while it has none of its own queued or running (well within the per-client queue quota). 429 is counted,
/// not a failure; any 5xx or transport error is. After the run every accepted job is followed to its end: a job that
/// never ends is lost. RSS after a full GC at the start (model loaded) and at the end.
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- harness load [--clients 200] [--users 20] [--seconds 60]
///      [--think-ms 500] [--submit-every-s 30] [--permit-limit 1000]   (permit-limit: requests per user per 10 s; 120 is the shipped default)
/// </summary>
public static class LoadHarness
{
    public static async Task<int> RunAsync(HarnessArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var clientCount = args.Int("clients", 200);
        var userCount = args.Int("users", 20);
        var seconds = args.Int("seconds", 60);
        var thinkMs = args.Int("think-ms", 500);
        var submitEvery = args.Int("submit-every-s", 30);
        var permitLimit = args.Int("permit-limit", 1000);
        var users = Enumerable.Range(0, userCount).Select(i => $"user{i}:load-pass-{i}").ToArray();
        await using var server = await BenchServer.StartAsync(
            ["--api-auth", string.Join(',', users)],
            new Dictionary<string, string?> { ["WebDiffusion:RateLimit:PermitLimit"] = permitLimit.ToString(CultureInfo.InvariantCulture) });

        using var warmClient = server.NewClient(users[0]);
        await BenchServer.WaitAsync(warmClient, await BenchServer.SubmitAsync(warmClient, BenchServer.TinyJob()), TimeSpan.FromSeconds(60), pollMs: 100);
        var startMemory = ProcessMemory.Take(collect: true);
        ProcessMemory.TryResetPeak();

        var load = new LoadState();
        var clients = Enumerable.Range(0, clientCount).Select(i => server.NewClient(users[i % userCount], TimeSpan.FromSeconds(60))).ToArray();
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(clients.Select((c, i) => Task.Run(() => ClientLoopAsync(c, i, load, clock, deadline, thinkMs, submitEvery))));
        var elapsed = clock.Elapsed.TotalSeconds;
        var duringMemory = ProcessMemory.Take(collect: false);

        var drainClock = Stopwatch.StartNew();
        var final = await DrainAsync(clients, userCount, load, TimeSpan.FromSeconds(180));
        var drainSeconds = drainClock.Elapsed.TotalSeconds;
        var drainedMemory = ProcessMemory.Take(collect: true);
        foreach (var c in clients)
        {
            c.Dispose();
        }

        await Task.Delay(2000); // let Kestrel close the 200 connections
        var endMemory = ProcessMemory.Take(collect: true);
        Report(load, final, elapsed, drainSeconds, clientCount, userCount, thinkMs, submitEvery, permitLimit, [startMemory, duringMemory, drainedMemory, endMemory]);
        return load.ServerErrors + load.TransportErrors + final.Count(s => s.Value == "lost") == 0 ? 0 : 1;
    }

    private static async Task ClientLoopAsync(HttpClient client, int index, LoadState load, Stopwatch clock, TimeSpan deadline, int thinkMs, int submitEvery)
    {
        var random = new Random(index);
        string? myJob = null;
        var myJobActive = false;
        var nextSubmit = TimeSpan.FromSeconds(random.NextDouble() * submitEvery);
        var poll = 0;
        while (clock.Elapsed < deadline)
        {
            if (!myJobActive && clock.Elapsed >= nextSubmit)
            {
                var (status, body) = await TimedAsync(load, "POST /api/jobs", () => client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), BenchServer.TinyJob(seed: index)));
                nextSubmit = clock.Elapsed + TimeSpan.FromSeconds(submitEvery * (0.5 + random.NextDouble()));
                if (status == 202 && body is not null)
                {
                    using var doc = JsonDocument.Parse(body);
                    myJob = doc.RootElement.GetProperty("id").GetString()!;
                    myJobActive = true;
                    load.Accepted.TryAdd(myJob, index);
                }
            }
            else if (poll++ % 2 == 0 || myJob is null)
            {
                await TimedAsync(load, "GET /sdapi/v1/progress", () => client.GetAsync(new Uri("/sdapi/v1/progress", UriKind.Relative)));
            }
            else
            {
                var (status, body) = await TimedAsync(load, "GET /api/jobs/{id}", () => client.GetAsync(new Uri($"/api/jobs/{myJob}", UriKind.Relative)));
                if (status == 200 && body is not null)
                {
                    using var doc = JsonDocument.Parse(body);
                    myJobActive = doc.RootElement.GetProperty("state").GetString() is "queued" or "running";
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(thinkMs * (0.5 + random.NextDouble())));
        }
    }

    private static async Task<(int Status, string? Body)> TimedAsync(LoadState load, string route, Func<Task<HttpResponseMessage>> send)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            load.Record(route, (int)response.StatusCode, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            return ((int)response.StatusCode, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            load.RecordError(route, ex);
            return (0, null);
        }
    }

    /// <summary>Follows every accepted job to its end through the API (one client per user); "lost" if it never ends.</summary>
    private static async Task<Dictionary<string, string>> DrainAsync(HttpClient[] clients, int userCount, LoadState load, TimeSpan timeout)
    {
        var final = new Dictionary<string, string>();
        var deadline = DateTime.UtcNow + timeout;
        while (final.Count < load.Accepted.Count && DateTime.UtcNow < deadline)
        {
            foreach (var (id, clientIndex) in load.Accepted)
            {
                if (final.ContainsKey(id))
                {
                    continue;
                }

                using var response = await clients[clientIndex % userCount].GetAsync(new Uri($"/api/jobs/{id}", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    await Task.Delay(1000);
                    continue;
                }

                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var state = doc.RootElement.GetProperty("state").GetString()!;
                if (state is not ("queued" or "running"))
                {
                    final[id] = state;
                }
            }

            await Task.Delay(250);
        }

        foreach (var id in load.Accepted.Keys.Where(id => !final.ContainsKey(id)))
        {
            final[id] = "lost";
        }

        return final;
    }

    private static void Report(LoadState load, Dictionary<string, string> final, double elapsed, double drainSeconds, int clientCount, int userCount, int thinkMs,
        int submitEvery, int permitLimit, ProcessMemory.Snapshot[] memory)
    {
        var all = load.Latencies.Values.SelectMany(v => v).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {clientCount} clients as {userCount} users (--api-auth), {elapsed:F0} s, think {thinkMs} ms ±50%, a job per client every ~{submitEvery} s while it has none active, rate limit {permitLimit}/10 s per user, {Environment.ProcessorCount} cores (server and clients in one process)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  requests: {all.Count + load.TransportErrors} ({(all.Count + load.TransportErrors) / elapsed:F0}/s); status codes: {string.Join(", ", load.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}; transport errors: {load.TransportErrors}"));
        Console.WriteLine("  latency, all: " + Stats.Summary(all));
        foreach (var (route, values) in load.Latencies.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            Console.WriteLine($"  latency, {route}: " + Stats.Summary([.. values]));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  jobs: {load.Accepted.Count} accepted; after a {drainSeconds:F1} s drain: {string.Join(", ", final.Values.GroupBy(v => v).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}"));
        Console.WriteLine($"  memory at start (model loaded, full GC):                   {memory[0]}");
        Console.WriteLine($"  memory at the end of the load (no GC):                    {memory[1]}");
        Console.WriteLine($"  memory after the drain (full GC, clients still connected): {memory[2]}");
        Console.WriteLine($"  memory after closing the clients (full GC):                {memory[3]}");
        foreach (var error in load.ErrorSamples.Take(5))
        {
            Console.WriteLine("  error sample: " + error);
        }
    }

    private sealed class LoadState
    {
        private int _transportErrors;

        public ConcurrentDictionary<string, int> Accepted { get; } = new();

        public ConcurrentDictionary<int, int> Statuses { get; } = new();

        public ConcurrentDictionary<string, ConcurrentBag<double>> Latencies { get; } = new();

        public ConcurrentQueue<string> ErrorSamples { get; } = new();

        public int ServerErrors => Statuses.Where(s => s.Key >= 500).Sum(s => s.Value);

        public int TransportErrors => _transportErrors;

        public void Record(string route, int status, double ms)
        {
            Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            Latencies.GetOrAdd(route, _ => []).Add(ms);
        }

        public void RecordError(string route, Exception ex)
        {
            Interlocked.Increment(ref _transportErrors);
            if (ErrorSamples.Count < 20)
            {
                ErrorSamples.Enqueue($"{route}: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
