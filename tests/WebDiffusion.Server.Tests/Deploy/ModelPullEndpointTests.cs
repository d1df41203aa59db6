using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace WebDiffusion.Server.Tests.Deploy;

public sealed class ModelPullEndpointTests
{
    [Fact]
    public async Task Post_pull_downloads_in_the_background_and_pulls_reports_progress_until_completed()
    {
        await using var hub = await FakeHub.StartAsync();
        var repoFolder = DeployTestApp.NewTempFolder("apirepo");
        DeployTestApp.WriteTinyModel(repoFolder);
        hub.AddRepo("org/api-model", repoFolder);
        await using var app = DeployTestApp.Create(new Dictionary<string, string?> { ["WebDiffusion:HubBaseUrl"] = hub.BaseAddress.ToString() });
        using var client = await app.StartAsync();

        var started = await client.PostAsJsonAsync("/api/models/pull", new { repo = "org/api-model", name = "from-api" });

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString();
        Assert.Equal("from-api", body.GetProperty("name").GetString());
        Assert.Equal("main", body.GetProperty("revision").GetString());

        JsonElement pull = default;
        for (var i = 0; i < 1200; i++)
        {
            var list = await client.GetFromJsonAsync<JsonElement>("/api/models/pulls");
            pull = list.GetProperty("pulls").EnumerateArray().Single(p => p.GetProperty("id").GetString() == id);
            if (pull.GetProperty("state").GetString() is "completed" or "failed")
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal("completed", pull.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, pull.GetProperty("error").ValueKind);
        Assert.Equal(pull.GetProperty("bytesTotal").GetInt64(), pull.GetProperty("bytesDone").GetInt64());
        Assert.True(pull.GetProperty("bytesTotal").GetInt64() > 0);
        Assert.Equal(pull.GetProperty("fileCount").GetInt32(), pull.GetProperty("fileIndex").GetInt32());

        var models = await client.GetFromJsonAsync<JsonElement>("/api/models");
        var model = Assert.Single(models.GetProperty("models").EnumerateArray());
        Assert.Equal("from-api", model.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, model.GetProperty("error").ValueKind);
        Directory.Delete(repoFolder, recursive: true);
    }

    [Fact]
    public async Task Post_pull_refuses_bad_names_with_400_and_failures_show_in_pulls()
    {
        await using var hub = await FakeHub.StartAsync();
        await using var app = DeployTestApp.Create(new Dictionary<string, string?> { ["WebDiffusion:HubBaseUrl"] = hub.BaseAddress.ToString() });
        using var client = await app.StartAsync();

        var bad = await client.PostAsJsonAsync("/api/models/pull", new { repo = "org/x", name = "../../etc" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not a plain folder name", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);

        var missing = await client.PostAsJsonAsync("/api/models/pull", new { repo = "org/missing" });
        Assert.Equal(HttpStatusCode.Accepted, missing.StatusCode);
        JsonElement pull = default;
        for (var i = 0; i < 1200; i++)
        {
            pull = (await client.GetFromJsonAsync<JsonElement>("/api/models/pulls")).GetProperty("pulls")[0];
            if (pull.GetProperty("state").GetString() is "completed" or "failed")
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal("failed", pull.GetProperty("state").GetString());
        Assert.Contains("HTTP 404", pull.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
