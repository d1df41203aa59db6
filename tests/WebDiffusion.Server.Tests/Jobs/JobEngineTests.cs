using System.Net;
using System.Text.Json;
using WebDiffusion.Core.Imaging.Png;
using WebDiffusion.Core.Infotext;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Jobs;

public class JobEngineTests
{
    [Fact]
    public async Task A_txt2img_job_runs_and_its_png_carries_the_infotext()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var id = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(batchCount: 2));

        var job = await JobApi.WaitAsync(server.Client, id, TimeSpan.FromSeconds(60));

        Assert.Equal("done", job.GetProperty("state").GetString());
        var imageIds = job.GetProperty("imageIds").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(2, imageIds.Count);
        var seeds = new List<string>();
        foreach (var imageId in imageIds)
        {
            var bytes = await server.Client.GetByteArrayAsync(new Uri($"/api/images/{imageId}", UriKind.Relative));
            var png = PngDecoder.Decode(bytes);
            Assert.Equal(64, png.Image.Width);
            var parameters = InfotextParser.Parse(png.Texts.Single(t => t.Keyword == "parameters").Text);
            Assert.Equal("a small red house", parameters.Prompt);
            seeds.Add(parameters["Seed"]!);
        }

        Assert.Equal(["42", "43"], seeds);
        var files = Directory.GetFiles(Path.Combine(server.DataDir, "outputs", "txt2img-images"), "*.png", SearchOption.AllDirectories);
        Assert.Equal(2, files.Length);
        Assert.Contains(files, f => Path.GetFileName(f).EndsWith("-42.png", StringComparison.Ordinal) && Path.GetFileName(f).StartsWith("0000", StringComparison.Ordinal));

        using var gallery = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/images?query=red%20house", UriKind.Relative)));
        Assert.Equal(2, gallery.RootElement.GetProperty("total").GetInt32());
        using var none = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/images?query=spaceship", UriKind.Relative)));
        Assert.Equal(0, none.RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Fifty_jobs_from_ten_clients_all_finish_exactly_once()
    {
        var users = Enumerable.Range(0, 10).Select(i => $"user{i}:pass{i}word").ToArray();
        await using var server = await LoopbackServer.StartAsync(["--api-auth", string.Join(',', users)], root => DemoModel.Write(root));
        var clients = users.Select(u =>
        {
            var c = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
            c.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(u)));
            return c;
        }).ToArray();
        try
        {
            var submissions = Enumerable.Range(0, 50).Select(i => (Client: clients[i % 10], Task: JobApi.SubmitAsync(clients[i % 10], JobApi.Tiny(prompt: $"job {i}", steps: 2, seed: 1000 + i)))).ToList();
            var ids = (await Task.WhenAll(submissions.Select(s => s.Task))).ToList();
            Assert.Equal(50, ids.Distinct().Count());

            var imageIds = new List<string>();
            for (var i = 0; i < submissions.Count; i++)
            {
                var job = await JobApi.WaitAsync(submissions[i].Client, ids[i], TimeSpan.FromSeconds(120));
                Assert.Equal("done", job.GetProperty("state").GetString());
                imageIds.AddRange(job.GetProperty("imageIds").EnumerateArray().Select(e => e.GetString()!));
            }

            Assert.Equal(50, imageIds.Distinct().Count());
            var store = server.Services.GetRequiredService<JobStore>();
            var indexed = store.AllImagePaths();
            var onDisk = Directory.GetFiles(Path.Combine(server.DataDir, "outputs"), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Path.Combine(server.DataDir, "outputs"), f)).OrderBy(f => f, StringComparer.Ordinal).ToList();
            Assert.Equal(indexed.OrderBy(f => f, StringComparer.Ordinal), onDisk);

            // Each client sees only its own jobs.
            using var mine = JsonDocument.Parse(await clients[3].GetStringAsync(new Uri("/api/jobs?pageSize=100", UriKind.Relative)));
            Assert.Equal(5, mine.RootElement.GetProperty("total").GetInt32());
            var foreign = await clients[4].GetAsync(new Uri($"/api/jobs/{ids[3]}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_hub_client_gets_step_events_in_order_with_previews_and_the_image_id()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        await using var hub = await HubEventStream.ConnectAsync(server.BaseAddress, "/hubs/progress");
        await hub.InvokeAsync("SubscribeMine");

        var id = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(steps: 12, size: 128));
        var events = await hub.ReadUntilAsync("finished", e => e.GetProperty("jobId").GetString() == id, TimeSpan.FromSeconds(60));

        var names = events.Select(e => e.Target).Where(t => t != "state").ToList();
        Assert.Equal("queued", names[0]);
        Assert.Equal("started", names[1]);
        Assert.Equal("finished", names[^1]);
        var steps = events.Where(e => e.Target == "step").Select(e => e.Argument.GetProperty("step").GetInt32()).ToList();
        Assert.NotEmpty(steps);
        Assert.Equal(steps.OrderBy(s => s), steps);
        Assert.Equal(12, steps[^1]);
        Assert.Contains(events.Where(e => e.Target == "step"), e => e.Argument.GetProperty("preview").GetString()?.StartsWith("data:image/png;base64,", StringComparison.Ordinal) == true);
        var saved = events.Single(e => e.Target == "imageSaved").Argument.GetProperty("imageId").GetString();
        var finished = events[^1].Argument;
        Assert.Equal("done", finished.GetProperty("state").GetString());
        Assert.Equal(saved, finished.GetProperty("imageIds")[0].GetString());
        Assert.True(names.IndexOf("imageSaved") < names.Count - 1);
    }

    [Fact]
    public async Task Cancelling_a_running_job_stops_it_and_the_next_job_runs()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        await using var hub = await HubEventStream.ConnectAsync(server.BaseAddress, "/hubs/progress");
        await hub.InvokeAsync("SubscribeMine");
        var longJob = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(steps: 150, batchCount: 50, size: 128));
        var next = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(steps: 3));
        await hub.ReadUntilAsync("step", e => e.GetProperty("jobId").GetString() == longJob, TimeSpan.FromSeconds(60));

        var cancel = await server.Client.PostAsync(new Uri($"/api/jobs/{longJob}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        var cancelled = await JobApi.WaitAsync(server.Client, longJob, TimeSpan.FromSeconds(10));
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        Assert.True(cancelled.GetProperty("imageIds").GetArrayLength() < 50);
        var done = await JobApi.WaitAsync(server.Client, next, TimeSpan.FromSeconds(60));
        Assert.Equal("done", done.GetProperty("state").GetString());
        var again = await server.Client.PostAsync(new Uri($"/api/jobs/{longJob}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Interrupt_keeps_finished_images_and_marks_the_job_interrupted()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        await using var hub = await HubEventStream.ConnectAsync(server.BaseAddress, "/hubs/progress");
        await hub.InvokeAsync("SubscribeMine");
        var id = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(steps: 150, batchCount: 40, size: 256)); // several seconds: the interrupt lands mid-job
        await hub.ReadUntilAsync("imageSaved", e => e.GetProperty("jobId").GetString() == id, TimeSpan.FromSeconds(60));

        await server.Client.PostAsync(new Uri($"/api/jobs/{id}/interrupt", UriKind.Relative), null);

        var job = await JobApi.WaitAsync(server.Client, id, TimeSpan.FromSeconds(10));
        Assert.Equal("interrupted", job.GetProperty("state").GetString());
        var kept = job.GetProperty("imageIds").GetArrayLength();
        Assert.InRange(kept, 1, 39);
    }

    [Theory]
    [InlineData("/api/images/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/api/images/%2Fetc%2Fpasswd")]
    [InlineData("/api/images/....%2F%2F....%2F%2Fwebdiffusion.db")]
    [InlineData("/api/images/00000000000000000000000000000000")]
    [InlineData("/api/jobs/..%2Fjobs")]
    public async Task Path_traversal_on_image_and_job_ids_is_404(string path)
    {
        await using var server = await LoopbackServer.StartAsync();
        var response = await server.Client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var delete = await server.Client.DeleteAsync(new Uri(path, UriKind.Relative));
        Assert.True(delete.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Bad_requests_list_every_problem()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        using var response = await server.Client.PostAsync(
            new Uri("/api/jobs", UriKind.Relative),
            new StringContent("""{"mode":"txt2img","width":513,"steps":0,"cfg_scale":"NaN","sampler_name":"Euler z","batch_size":100}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var errors = doc.RootElement.GetProperty("errors");
        foreach (var field in new[] { "width", "steps", "cfg_scale", "sampler_name", "batch_size" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        using var img2img = await server.Client.PostAsync(new Uri("/api/jobs", UriKind.Relative),
            new StringContent("""{"mode":"img2img","prompt":"x"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Contains("init_images", await img2img.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_an_image_removes_the_file_and_the_record()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var id = await JobApi.SubmitAsync(server.Client, JobApi.Tiny());
        var job = await JobApi.WaitAsync(server.Client, id, TimeSpan.FromSeconds(60));
        var imageId = job.GetProperty("imageIds")[0].GetString();

        var delete = await server.Client.DeleteAsync(new Uri($"/api/images/{imageId}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(new Uri($"/api/images/{imageId}", UriKind.Relative))).StatusCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(server.DataDir, "outputs"), "*.png", SearchOption.AllDirectories));
    }
}
