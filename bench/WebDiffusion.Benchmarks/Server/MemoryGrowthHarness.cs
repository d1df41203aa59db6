using System.Globalization;

namespace WebDiffusion.Benchmarks.Server;

/// <summary>
/// Memory over many jobs: small jobs submitted one after another through the API of one server (in this process);
/// after job 10, 100 and 200 (checkpoints configurable), a forced full GC, then RSS, managed heap and GC heap size.
/// Growth from the first checkpoint should be flat: the model, sessions and caches are loaded by then.
/// Run: dotnet run -c Release --project bench/WebDiffusion.Benchmarks -- harness memory [--jobs 200] [--checkpoints 10,100,200] [--steps 2] [--size 64]
/// </summary>
public static class MemoryGrowthHarness
{
    public static async Task<int> RunAsync(HarnessArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var jobs = args.Int("jobs", 200);
        var checkpoints = args.IntList("checkpoints", [10, 100, 200]).ToHashSet();
        var steps = args.Int("steps", 2);
        var size = args.Int("size", 64);
        var baseline = ProcessMemory.Take(collect: true);
        await using var server = await BenchServer.StartAsync();
        using var http = server.NewClient();
        var started = ProcessMemory.Take(collect: true);
        var rows = new List<(int Job, ProcessMemory.Snapshot Memory)>();
        var states = new Dictionary<string, int>();
        for (var i = 1; i <= jobs; i++)
        {
            var id = await BenchServer.SubmitAsync(http, BenchServer.TinyJob(steps: steps, size: size, seed: i));
            var state = await BenchServer.WaitAsync(http, id, TimeSpan.FromSeconds(60));
            states[state] = states.GetValueOrDefault(state) + 1;
            if (checkpoints.Contains(i))
            {
                var snapshot = ProcessMemory.Take(collect: true);
                rows.Add((i, snapshot));
                Console.WriteLine($"  after job {i}: {snapshot}");
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory over {jobs} sequential jobs ({steps} steps, {size}×{size}, Euler, CFG) through POST /api/jobs, {Environment.ProcessorCount} cores; states: {string.Join(", ", states.Select(s => $"{s.Key} {s.Value}"))}"));
        Console.WriteLine($"  before the server: {baseline}");
        Console.WriteLine($"  server started (no model loaded): {started}");
        Console.WriteLine("| after job | RSS | managed heap | GC heap size | RSS growth since first checkpoint | managed growth |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var first = rows[0].Memory;
        foreach (var (job, m) in rows)
        {
            Console.WriteLine($"| {job} | {ProcessMemory.Mib(m.Rss)} | {ProcessMemory.Mib(m.ManagedBytes)} | {ProcessMemory.Mib(m.GcHeapBytes)} | {Signed(m.Rss - first.Rss)} | {Signed(m.ManagedBytes - first.ManagedBytes)} |");
        }

        return 0;
    }

    private static string Signed(long bytes) => (bytes >= 0 ? "+" : "−") + ProcessMemory.Mib(Math.Abs(bytes));
}
