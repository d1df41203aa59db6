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
        JsonObject? request = null;
        if (includeRequest && job.RequestJson is { } stored)
        {
            var envelope = JobEnvelope.Parse(stored);
            request = envelope.Request;
            if (envelope.Checkpoint is { } checkpoint)
            {
                request["model"] = checkpoint; // the checkpoint resolved at submission, which the job runs on
            }

            if (request is { } obj)
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
            prompt = job.Prompt is null ? null : Shorten(job.Prompt),
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

    /// <summary>How much of a prompt a job list carries.</summary>
    public const int PromptPreviewChars = 200;

    private static string Shorten(string prompt) => prompt.Length <= PromptPreviewChars ? prompt : prompt[..PromptPreviewChars] + "…";
}
