using System.Net.Http.Json;
using System.Text.Json;

namespace WebDiffusion.Server.Tests.Jobs;

/// <summary>Small helpers over the native job API for tests.</summary>
internal static class JobApi
{
    public static async Task<string> SubmitAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/api/jobs", UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"submit: {(int)response.StatusCode} {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string id)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/jobs/{id}", UriKind.Relative)));
        return doc.RootElement.Clone();
    }

    public static async Task<JsonElement> WaitAsync(HttpClient client, string id, TimeSpan timeout, params string[] states)
    {
        var wanted = states.Length == 0 ? ["done", "failed", "cancelled", "interrupted"] : states;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await GetAsync(client, id);
            if (wanted.Contains(job.GetProperty("state").GetString()))
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"job {id} still {job.GetProperty("state").GetString()} after {timeout}");
            }

            await Task.Delay(50);
        }
    }

    public static object Tiny(string prompt = "a small red house", int steps = 4, int seed = 42, int batchCount = 1, int size = 64, string sampler = "Euler a") =>
        new { mode = "txt2img", prompt, negative_prompt = "blurry", steps, seed, width = size, height = size, n_iter = batchCount, sampler_name = sampler, cfg_scale = 5 };
}
