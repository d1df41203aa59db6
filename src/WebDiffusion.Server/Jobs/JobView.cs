using System.Text.Json.Nodes;

namespace WebDiffusion.Server.Jobs;

/// <summary>The JSON shape of a job for the native API and the hub (docs/native-api.md).</summary>
public static class JobView
{
    public static object From(JobRecord job, JobStore store, LiveProgress live, bool includeRequest = true)
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
            state = job.State.ToString().ToLowerInvariant(),
            position = job.State == JobState.Queued ? store.QueuePosition(job.Sequence) : (int?)null,
            step = snapshot?.Step ?? 0,
            totalSteps = snapshot?.TotalSteps ?? 0,
            imageIndex = snapshot?.ImageIndex ?? 0,
            imageCount = snapshot?.ImageCount ?? 0,
            createdAt = job.CreatedAt,
            startedAt = job.StartedAt,
            finishedAt = job.FinishedAt,
            error = job.Error,
            imageIds = job.ImageIds,
            request,
        };
    }
}
