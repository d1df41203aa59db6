using System.Net;
using System.Text.Json;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Jobs;

/// <summary>Queue positions follow the queue as it moves, and a (re)subscribing client gets a running job's preview, on a real loopback server.</summary>
public class QueuePositionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    // The tiny model makes a 512² 150-step image in well under a second: 100 of them keep the worker busy.
    private static object Long() => JobApi.Tiny(steps: 150, batchCount: 100, size: 512);

    [Fact]
    public async Task Queued_jobs_get_new_positions_as_jobs_ahead_start_or_are_cancelled_and_never_after_they_start()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        await using var hub = await HubEventStream.ConnectAsync(server.BaseAddress, "/hubs/progress");
        await hub.InvokeAsync("SubscribeMine");
        var events = new List<HubEvent>();

        var longJob = await JobApi.SubmitAsync(server.Client, Long());
        events.AddRange(await hub.ReadUntilAsync("started", e => Is(e, longJob), Wait));
        var first = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(steps: 4));
        var second = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(steps: 4));
        var third = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(steps: 4));
        events.AddRange(await hub.ReadUntilAsync("queued", e => Is(e, third), Wait));
        Assert.Equal([2], Positions(events, third));

        await CancelAsync(server, first); // queued: the two behind it move up
        events.AddRange(await hub.ReadUntilAsync("finished", e => Is(e, first), Wait));
        await CancelAsync(server, longJob); // running: the second job starts, the third is next
        events.AddRange(await hub.ReadUntilAsync("finished", e => Is(e, third), Wait));

        Assert.Equal([2, 1, 0], Positions(events, third));
        Assert.Equal([1, 0], Positions(events, second));
        Assert.Equal([0], Positions(events, first));
        Assert.Equal("cancelled", Finished(events, longJob));
        Assert.Equal("cancelled", Finished(events, first));
        Assert.Equal("done", Finished(events, second));
        Assert.Equal("done", Finished(events, third));
        foreach (var id in new[] { longJob, first, second, third })
        {
            var names = events.Where(e => Is(e.Argument, id)).Select(e => e.Target).ToList();
            var end = names.IndexOf("started") is >= 0 and var started ? started : names.IndexOf("finished");
            Assert.True(end >= 0, $"job {id}: {string.Join(", ", names)}");
            Assert.DoesNotContain("queued", names.Skip(end)); // the last "queued" precedes "started" (or "finished")
        }
    }

    [Fact]
    public async Task Subscribing_to_a_running_job_returns_its_state_with_the_latest_preview_and_eta()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        await using var watcher = await HubEventStream.ConnectAsync(server.BaseAddress, "/hubs/progress");
        await watcher.InvokeAsync("SubscribeMine");
        var longJob = await JobApi.SubmitAsync(server.Client, Long());
        await watcher.ReadUntilAsync("step", e => Is(e, longJob) && e.GetProperty("preview").ValueKind == JsonValueKind.String, Wait);

        // A client that (re)connects mid-job catches up from the "state" message alone.
        await using var late = await HubEventStream.ConnectAsync(server.BaseAddress, "/hubs/progress");
        await late.InvokeAsync("SubscribeJob", longJob);
        var state = (await late.ReadUntilAsync("state", e => e.GetProperty("id").GetString() == longJob, Wait))[^1].Argument;

        Assert.Equal("running", state.GetProperty("state").GetString());
        Assert.StartsWith("data:image/png;base64,", state.GetProperty("preview").GetString(), StringComparison.Ordinal);
        Assert.True(state.GetProperty("step").GetInt32() > 0);
        Assert.True(state.GetProperty("etaSeconds").GetDouble() >= 0);
        Assert.False(state.TryGetProperty("request", out var request) && request.ValueKind != JsonValueKind.Null);

        await CancelAsync(server, longJob);
        await watcher.ReadUntilAsync("finished", e => Is(e, longJob), Wait);
    }

    private static bool Is(JsonElement e, string jobId) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("jobId", out var id) && id.GetString() == jobId;

    private static List<int> Positions(List<HubEvent> events, string jobId) =>
        events.Where(e => e.Target == "queued" && Is(e.Argument, jobId)).Select(e => e.Argument.GetProperty("position").GetInt32()).ToList();

    private static string? Finished(List<HubEvent> events, string jobId) =>
        events.Single(e => e.Target == "finished" && Is(e.Argument, jobId)).Argument.GetProperty("state").GetString();

    private static async Task CancelAsync(LoopbackServer server, string jobId)
    {
        using var response = await server.Client.PostAsync(new Uri($"/api/jobs/{jobId}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
