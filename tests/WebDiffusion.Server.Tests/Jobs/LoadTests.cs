using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Jobs;

/// <summary>
/// The load harness (bench: <c>harness load</c>) scaled down: 200 authenticated clients poll progress and their jobs for
/// 10 s while some submit tiny jobs. Behaviour only — no 5xx, no transport error, every accepted job done — never timing.
/// Each client is its own user and polls about once a second, inside the shipped rate limit (120 per 10 s per user).
/// </summary>
public class LoadTests
{
    private const int ClientCount = 200;
    private static readonly TimeSpan LoadDuration = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Two_hundred_clients_polling_and_submitting_get_no_5xx_and_every_accepted_job_finishes()
    {
        var users = Enumerable.Range(0, ClientCount).Select(i => $"load{i}:pass{i}word").ToArray();
        await using var server = await LoopbackServer.StartAsync(["--api-auth", string.Join(',', users)], root => DemoModel.Write(root));
        var clients = users.Select(u =>
        {
            var c = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(u)));
            return c;
        }).ToArray();
        var statuses = new ConcurrentDictionary<(string Route, int Status), int>();
        var errors = new ConcurrentQueue<string>();
        var accepted = new ConcurrentDictionary<string, int>();
        try
        {
            var until = DateTime.UtcNow + LoadDuration;
            await Task.WhenAll(clients.Select((c, i) => Task.Run(() => ClientAsync(c, i, until, statuses, errors, accepted))));

            Assert.Empty(errors);
            Assert.DoesNotContain(statuses.Keys, k => k.Status >= 500);
            Assert.All(statuses.Keys.Where(k => k.Route == "submit"), k => Assert.True(k.Status is 202 or 429, $"submit answered {k.Status}"));
            Assert.All(statuses.Keys.Where(k => k.Route != "submit"), k => Assert.True(k.Status is 200 or 429, $"{k.Route} answered {k.Status}"));
            Assert.NotEmpty(accepted);

            foreach (var (id, owner) in accepted)
            {
                Assert.Equal("done", await WaitForEndAsync(clients[owner], id, TimeSpan.FromSeconds(120)));
            }

            using var mine = JsonDocument.Parse(await clients[0].GetStringAsync(new Uri("/api/jobs", UriKind.Relative)));
            Assert.Equal(accepted.Count(a => a.Value == 0), mine.RootElement.GetProperty("total").GetInt32());
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }
    }

    /// <summary>One client: about one request a second, alternating progress and its job; every fifth client submits a job.</summary>
    private static async Task ClientAsync(HttpClient client, int index, DateTime until, ConcurrentDictionary<(string, int), int> statuses,
        ConcurrentQueue<string> errors, ConcurrentDictionary<string, int> accepted)
    {
        var random = new Random(index);
        var submitAt = index % 5 == 0 ? DateTime.UtcNow + TimeSpan.FromSeconds(random.NextDouble() * LoadDuration.TotalSeconds / 2) : DateTime.MaxValue;
        string? job = null;
        var poll = 0;
        await Task.Delay(random.Next(1000));
        while (DateTime.UtcNow < until)
        {
            try
            {
                if (job is null && DateTime.UtcNow >= submitAt)
                {
                    submitAt = DateTime.MaxValue;
                    using var response = await client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), JobApi.Tiny(prompt: $"load {index}", steps: 2, seed: index));
                    var text = await response.Content.ReadAsStringAsync();
                    statuses.AddOrUpdate(("submit", (int)response.StatusCode), 1, (_, n) => n + 1);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        using var doc = JsonDocument.Parse(text);
                        job = doc.RootElement.GetProperty("id").GetString()!;
                        accepted[job] = index;
                    }
                }
                else
                {
                    var route = job is not null && poll++ % 2 == 1 ? $"/api/jobs/{job}" : "/sdapi/v1/progress";
                    using var response = await client.GetAsync(new Uri(route, UriKind.Relative));
                    await response.Content.ReadAsStringAsync();
                    statuses.AddOrUpdate((route.StartsWith("/api/jobs/", StringComparison.Ordinal) ? "job" : "progress", (int)response.StatusCode), 1, (_, n) => n + 1);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                errors.Enqueue($"client {index}: {ex.GetType().Name}: {ex.Message}");
            }

            await Task.Delay(700 + random.Next(600));
        }
    }

    private static async Task<string> WaitForEndAsync(HttpClient client, string id, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await client.GetAsync(new Uri($"/api/jobs/{id}", UriKind.Relative));
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var state = doc.RootElement.GetProperty("state").GetString()!;
                if (state is not ("queued" or "running"))
                {
                    return state;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"job {id} did not end within {timeout}");
            }

            await Task.Delay(250);
        }
    }
}
