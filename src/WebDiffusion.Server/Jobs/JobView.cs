using System.Text.Json.Nodes;

namespace WebDiffusion.Server.Jobs;

/// <summary>The JSON shape of a job for the native API and the hub (docs/native-api.md).</summary>
public static class JobView
{
    /// <summary>
    /// The view of <paramref name="job"/>. A running job carries its live step, ETA and (with
    /// <paramref name="includePreview"/>) its latest preview as a data URL, as in the hub's <c>step</c> events.
    /// </summary>
    public static object From(JobRecord job, JobStore store, LiveProgress live, bool includeRequest = true, bool includePreview = false)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(live);
        var snapshot = live.Current is { } s && s.JobId == job.Id ? s : null;
        JsonNode? request = null;
        if (includeRequest)
        {
            request = JsonNode.Parse(job.RequestJson);
            if (request is JsonObject obj)
            {
                // Images can be megabytes; the job view names them only.
                foreach (var key in new[] { "init_images", "mask" })
                {
                    if (obj.ContainsKey(key))
                    {
                        obj[key] = "(omitted)";
                    }
                }
            }
        }

        return new
        {
            id = job.Id,
            mode = job.Mode,
            prompt = PromptOf(job.RequestJson),
            state = job.State.ToString().ToLowerInvariant(),
            position = job.State == JobState.Queued ? store.QueuePosition(job.Sequence) : (int?)null,
            step = snapshot?.Step ?? 0,
            totalSteps = snapshot?.TotalSteps ?? 0,
            imageIndex = snapshot?.ImageIndex ?? 0,
            imageCount = snapshot?.ImageCount ?? 0,
            etaSeconds = snapshot?.Eta?.TotalSeconds,
            preview = includePreview ? PreviewDataUrl.From(snapshot?.PreviewPng) : null,
            createdAt = job.CreatedAt,
            startedAt = job.StartedAt,
            finishedAt = job.FinishedAt,
            error = job.Error,
            imageIds = job.ImageIds,
            request,
        };
    }

    /// <summary>The job's prompt for lists (first <see cref="PromptPreviewChars"/> characters), or null when absent.</summary>
    public static string? PromptOf(string requestJson)
    {
        ArgumentNullException.ThrowIfNull(requestJson);
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(requestJson);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == System.Text.Json.JsonValueKind.String
                ? Shorten(prompt.GetString()!)
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>How much of a prompt a job list carries.</summary>
    public const int PromptPreviewChars = 200;

    private static string Shorten(string prompt) => prompt.Length <= PromptPreviewChars ? prompt : prompt[..PromptPreviewChars] + "…";
}
