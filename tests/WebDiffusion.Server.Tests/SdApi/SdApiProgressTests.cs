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
        Assert.Equal(150, state.GetProperty("sampling_steps").GetInt32());
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

    [Fact]
    public async Task Job_count_and_sampling_steps_count_passes_of_n_iter_as_A1111_does()
    {
        // webuiapi's txt2img(n_iter=2, batch_size=2, enable_hr=True, ...) polled with get_progress() as its README shows.
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["enable_hr"] = true, ["hr_scale"] = 2, ["hr_upscaler"] = "Latent", ["hr_second_pass_steps"] = 150, ["denoising_strength"] = 0.7,
            ["prompt"] = "a lighthouse", ["seed"] = 3, ["batch_size"] = 2, ["n_iter"] = 2, ["steps"] = 120, ["cfg_scale"] = 7.0,
            ["width"] = 256, ["height"] = 256, ["sampler_name"] = "Euler", ["sampler_index"] = "Euler", ["send_images"] = true, ["save_images"] = false,
        };
        var generation = server.Client.PostAsync(new Uri("/sdapi/v1/txt2img", UriKind.Relative),
            new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

        var seen = new HashSet<(int JobNo, int Steps)>();
        await PollAsync(server, p =>
        {
            var state = p.GetProperty("state");
            if (generation.IsCompleted)
            {
                var ended = generation.Result;
                Assert.Fail($"txt2img ended before the hires pass was seen ({(int)ended.StatusCode}; seen {string.Join(", ", seen)}): {ended.Content.ReadAsStringAsync().Result}");
            }

            if (state.GetProperty("job_count").GetInt32() == 0)
            {
                return false;
            }

            Assert.Equal(4, state.GetProperty("job_count").GetInt32());
            var jobNo = state.GetProperty("job_no").GetInt32();
            var steps = state.GetProperty("sampling_steps").GetInt32();
            var step = state.GetProperty("sampling_step").GetInt32();
            Assert.Equal(jobNo % 2 == 0 ? 120 : 150, steps);
            Assert.InRange(step, 0, steps);
            var expected = Math.Min(1.0, 0.01 + (jobNo / 4.0) + ((double)step / steps / 4));
            Assert.Equal(expected, p.GetProperty("progress").GetDouble(), 9);
            seen.Add((jobNo, steps));
            return jobNo >= 1;
        });
        Assert.Contains(seen, s => s.JobNo == 1 && s.Steps == 150);
        using (var interrupt = await server.Client.PostAsync(new Uri("/sdapi/v1/interrupt", UriKind.Relative), null))
        {
            Assert.True(interrupt.IsSuccessStatusCode);
        }

        using var response = await generation;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
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
