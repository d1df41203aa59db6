using System.Net;
using System.Text.Json;
using WebDiffusion.Server.Tests.Infrastructure;
using WebDiffusion.Server.Tests.Jobs;

namespace WebDiffusion.Server.Tests.SdApi;

/// <summary><c>/sdapi/v1/progress</c>, <c>/skip</c> and <c>/interrupt</c> against a running job, as A1111 clients poll them.</summary>
public class SdApiProgressTests
{
    [Fact]
    public async Task Progress_reports_the_running_job_the_queue_skip_and_interrupt()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var running = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(steps: 150, batchCount: 100, size: 512, prompt: "a long one"));
        var waiting = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(prompt: "waits its turn"));

        var progress = await PollAsync(server, p => p.GetProperty("state").GetProperty("sampling_step").GetInt32() > 0);
        var state = progress.GetProperty("state");
        Assert.Equal($"task({running})", state.GetProperty("job").GetString());
        Assert.Equal(100, state.GetProperty("job_count").GetInt32());
        Assert.Equal(1, state.GetProperty("queued").GetInt32());
        Assert.InRange(progress.GetProperty("progress").GetDouble(), 0.0, 1.0);
        Assert.False(state.GetProperty("skipped").GetBoolean());
        Assert.False(state.GetProperty("interrupted").GetBoolean());
        Assert.False(string.IsNullOrEmpty(progress.GetProperty("current_image").GetString()));

        // A job cancelled while queued leaves the queue count at once.
        using (var cancel = await server.Client.PostAsync(new Uri($"/api/jobs/{waiting}/cancel", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        }

        await PollAsync(server, p => p.GetProperty("state").GetProperty("queued").GetInt32() == 0);

        // Skip moves on to the next image of the same job.
        var before = (await PollAsync(server, _ => true)).GetProperty("state").GetProperty("job_no").GetInt32();
        using (var skip = await server.Client.PostAsync(new Uri("/sdapi/v1/skip", UriKind.Relative), null))
        {
            Assert.True(skip.IsSuccessStatusCode);
        }

        await PollAsync(server, p => p.GetProperty("state").GetProperty("job_no").GetInt32() > before || p.GetProperty("state").GetProperty("skipped").GetBoolean());

        // The job goes on after the skip: wait for an image it finishes, then interrupt.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await JobApi.GetAsync(server.Client, running)).GetProperty("imageIds").GetArrayLength() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no image was finished after the skip");
            await Task.Delay(20);
        }

        using (var interrupt = await server.Client.PostAsync(new Uri("/sdapi/v1/interrupt", UriKind.Relative), null))
        {
            Assert.True(interrupt.IsSuccessStatusCode);
        }

        var ended = await JobApi.WaitAsync(server.Client, running, TimeSpan.FromSeconds(60));
        Assert.Equal("interrupted", ended.GetProperty("state").GetString());
        Assert.InRange(ended.GetProperty("imageIds").GetArrayLength(), 1, 99);
        var idle = await PollAsync(server, p => p.GetProperty("state").GetProperty("job").GetString() == string.Empty);
        Assert.Equal(0.0, idle.GetProperty("progress").GetDouble());
    }

    private static async Task<JsonElement> PollAsync(LoopbackServer server, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var doc = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/sdapi/v1/progress", UriKind.Relative)));
            if (until(doc.RootElement))
            {
                return doc.RootElement.Clone();
            }

            Assert.True(DateTime.UtcNow < deadline, "progress never reached the expected state: " + doc.RootElement.GetRawText()[..Math.Min(400, doc.RootElement.GetRawText().Length)]);
            await Task.Delay(20);
        }
    }
}
