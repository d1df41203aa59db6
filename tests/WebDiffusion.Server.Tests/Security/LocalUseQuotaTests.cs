using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Configuration;
using WebDiffusion.Server.Tests.Infrastructure;
using WebDiffusion.Server.Tests.Jobs;

namespace WebDiffusion.Server.Tests.Security;

/// <summary>
/// Local use (loopback, no credentials) is one person's machine: a script may queue as many jobs as A1111 would take.
/// Per-user quotas stay on servers with credentials. Interrupt, skip and progress are never refused by the rate limit.
/// </summary>
public class LocalUseQuotaTests
{
    // Keeps the worker busy for minutes, so every job submitted after it is still queued when the quota is checked.
    private static object Blocker() => JobApi.Tiny(prompt: "blocker", steps: 150, batchCount: 100);

    [Fact]
    public async Task On_loopback_without_credentials_thirty_jobs_from_one_script_are_accepted()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var blocker = await JobApi.SubmitAsync(server.Client, Blocker());
        await JobApi.WaitAsync(server.Client, blocker, TimeSpan.FromSeconds(60), "running");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await server.Client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), JobApi.Tiny(seed: i));
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
        Assert.Equal("running", (await JobApi.GetAsync(server.Client, blocker)).GetProperty("state").GetString());
        using var interrupt = await server.Client.PostAsync(new Uri("/sdapi/v1/interrupt", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, interrupt.StatusCode);
    }

    [Fact]
    public async Task With_credentials_the_per_user_quota_still_answers_429_past_twenty_active_jobs()
    {
        await using var server = await LoopbackServer.StartAsync(
            ["--api-auth", SecurityServer.User + ":" + SecurityServer.Password],
            prepare: root => DemoModel.Write(root));
        server.Client.DefaultRequestHeaders.Authorization = SecurityServer.Basic(SecurityServer.User, SecurityServer.Password);
        var blocker = await JobApi.SubmitAsync(server.Client, Blocker());
        await JobApi.WaitAsync(server.Client, blocker, TimeSpan.FromSeconds(60), "running");
        for (var i = 0; i < 19; i++)
        {
            await JobApi.SubmitAsync(server.Client, JobApi.Tiny(seed: i));
        }

        using var refused = await server.Client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), JobApi.Tiny(seed: 99));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotEmpty(refused.Headers.GetValues("Retry-After"));
        Assert.Contains("20", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var interrupt = await server.Client.PostAsync(new Uri("/sdapi/v1/interrupt", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, interrupt.StatusCode);
    }

    [Fact]
    public async Task Interrupt_skip_and_progress_polls_are_never_refused_by_the_rate_limit()
    {
        await using var server = await LoopbackServer.StartAsync(
            ["--api-auth", SecurityServer.User + ":" + SecurityServer.Password],
            prepare: root => DemoModel.Write(root),
            configure: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["WebDiffusion:RateLimit:PermitLimit"] = "3",
                ["WebDiffusion:RateLimit:WindowSeconds"] = "120",
            }));
        server.Client.DefaultRequestHeaders.Authorization = SecurityServer.Basic(SecurityServer.User, SecurityServer.Password);
        var job = await JobApi.SubmitAsync(server.Client, Blocker());
        await JobApi.WaitAsync(server.Client, job, TimeSpan.FromSeconds(60), "running");
        for (var i = 0; i < 3; i++)
        {
            using var counted = await server.Client.GetAsync(new Uri("/api/system", UriKind.Relative));
        }

        using var limited = await server.Client.GetAsync(new Uri("/api/system", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);

        // The burst SillyTavern's /set-model loop and webuiapi's progress polling make, then the stop buttons.
        for (var i = 0; i < 50; i++)
        {
            using var progress = await server.Client.GetAsync(new Uri("/sdapi/v1/progress?skip_current_image=true", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, progress.StatusCode);
            using var status = await server.Client.GetAsync(new Uri($"/api/jobs/{job}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        }

        using var skip = await server.Client.PostAsync(new Uri("/sdapi/v1/skip", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, skip.StatusCode);
        using var nativeSkip = await server.Client.PostAsync(new Uri($"/api/jobs/{job}/skip", UriKind.Relative), null);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, nativeSkip.StatusCode);
        using var interrupt = await server.Client.PostAsync(new Uri("/sdapi/v1/interrupt", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, interrupt.StatusCode);
        using var cancel = await server.Client.PostAsync(new Uri($"/api/jobs/{job}/cancel", UriKind.Relative), null);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, cancel.StatusCode);
        await JobApi.WaitAsync(server.Client, job, TimeSpan.FromSeconds(60));

        // Everything else is still limited.
        using var other = await server.Client.GetAsync(new Uri("/sdapi/v1/options", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, other.StatusCode);
        using var submit = await server.Client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), JobApi.Tiny());
        Assert.Equal(HttpStatusCode.TooManyRequests, submit.StatusCode);
    }
}
