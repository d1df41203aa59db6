using System.Text.Json;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Jobs;

public class JobListTests
{
    [Fact]
    public async Task The_job_list_names_each_job_by_its_prompt_shortened_and_leaves_the_request_out()
    {
        await using var server = await LoopbackServer.StartAsync(prepare: root => DemoModel.Write(root));
        var longPrompt = string.Join(", ", Enumerable.Repeat("a winding mountain road at dawn", 12));
        var shortId = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(prompt: "a teapot on a windowsill"));
        var longId = await JobApi.SubmitAsync(server.Client, JobApi.Tiny(prompt: longPrompt));
        await JobApi.WaitAsync(server.Client, longId, TimeSpan.FromSeconds(60));

        using var list = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/jobs?page=1&pageSize=20", UriKind.Relative)));
        var items = list.RootElement.GetProperty("items").EnumerateArray().ToDictionary(j => j.GetProperty("id").GetString()!);

        Assert.Equal("a teapot on a windowsill", items[shortId].GetProperty("prompt").GetString());
        var shortened = items[longId].GetProperty("prompt").GetString()!;
        Assert.Equal(JobView.PromptPreviewChars + 1, shortened.Length);
        Assert.Equal(longPrompt[..JobView.PromptPreviewChars] + "…", shortened);
        Assert.False(items[longId].TryGetProperty("request", out var request) && request.ValueKind != JsonValueKind.Null);
    }
}
