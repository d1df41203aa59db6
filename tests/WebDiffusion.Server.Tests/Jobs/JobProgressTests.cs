using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Jobs;

/// <summary>Job-wide progress over batches and hires, and the sampler options end to end, on a real loopback server.</summary>
public class JobProgressTests
{
    [Fact]
    public async Task Hub_progress_counts_batches_n_iter_and_hires_monotonically_to_one()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        await using var hub = await HubEventStream.ConnectAsync(server.BaseAddress, "/hubs/progress");
        await hub.InvokeAsync("SubscribeMine");

        var id = await JobApi.SubmitAsync(server.Client, new
        {
            prompt = "a small red house",
            steps = 4,
            seed = 42,
            width = 64,
            height = 64,
            sampler_name = "Euler",
            batch_size = 2,
            n_iter = 2,
            enable_hr = true,
            hr_scale = 1.5,
            hr_second_pass_steps = 3,
            denoising_strength = 0.5,
        });
        var events = await hub.ReadUntilAsync("finished", e => e.GetProperty("jobId").GetString() == id, TimeSpan.FromSeconds(120));

        const int Total = 2 * (4 + 3);
        Assert.Equal(Total, events.Single(e => e.Target == "started").Argument.GetProperty("totalSteps").GetInt32());
        var steps = events.Where(e => e.Target == "step").Select(e => e.Argument).ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, s => Assert.Equal(Total, s.GetProperty("totalSteps").GetInt32()));
        var counts = steps.Select(s => s.GetProperty("step").GetInt32()).ToList();
        Assert.Equal(counts.Order().ToList(), counts);
        Assert.Equal(Total, counts[^1]);
        var fractions = counts.Select(c => (double)c / Total).ToList();
        Assert.All(fractions, f => Assert.InRange(f, 0, 1));
        Assert.Equal(1.0, fractions[^1]);
        Assert.Equal(2, steps.Select(s => s.GetProperty("imageIndex").GetInt32()).Distinct().Count());
        Assert.Equal("done", events[^1].Argument.GetProperty("state").GetString());
        Assert.Equal(4, events.Count(e => e.Target == "imageSaved"));
    }

    [Fact]
    public async Task Stored_s_noise_reaches_the_sampler_and_the_infotext_and_unsupported_options_are_refused()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var body = new { prompt = "a small red house", steps = 4, seed = 42, width = 64, height = 64, sampler_name = "DPM++ 2M SDE" };
        var baseline = await InfotextAsync(server, body);
        Assert.DoesNotContain("Sigma noise", baseline, StringComparison.Ordinal);

        var refused = await server.Client.PostAsJsonAsync("/sdapi/v1/options", new { s_min_uncond = 2.0 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("s_min_uncond", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var accepted = await server.Client.PostAsJsonAsync("/sdapi/v1/options", new { s_min_uncond = 0.0, s_noise = 1.05 });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var stored = await InfotextAsync(server, body);
        Assert.Contains("Sigma noise: 1.05", stored, StringComparison.Ordinal);

        // override_settings wins over the stored option; the request field is A1111's p.s_noise.
        var overridden = await InfotextAsync(server, new { body.prompt, body.steps, body.seed, body.width, body.height, body.sampler_name, override_settings = new { s_noise = 1.0 } });
        Assert.DoesNotContain("Sigma noise", overridden, StringComparison.Ordinal);

        var badOverride = await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", new { body.prompt, steps = 2, width = 64, height = 64, override_settings = new { s_noise = "lots" } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badOverride.StatusCode);
        var ngms = await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", new { body.prompt, steps = 2, width = 64, height = 64, s_min_uncond = 1.5 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ngms.StatusCode);
        Assert.Contains("s_min_uncond", await ngms.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<string> InfotextAsync(LoopbackServer server, object body)
    {
        var response = await server.Client.PostAsJsonAsync("/sdapi/v1/txt2img", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var document = JsonDocument.Parse(text);
        using var info = JsonDocument.Parse(document.RootElement.GetProperty("info").GetString()!);
        return info.RootElement.GetProperty("infotexts")[0].GetString()!;
    }
}
