using WebDiffusion.Server.ModelDownload;

namespace WebDiffusion.Server.Endpoints;

/// <summary>
/// <c>POST /api/models/pull</c> {repo, revision?, name?}: starts a background pull of a diffusers ONNX model from the
/// hub (202 with its status; 400 for a bad repo id, revision or name; 409 when the same name is being pulled).
/// <c>GET /api/models/pulls</c>: every pull of this process with its progress (bytes, speed, ETA) or error.
/// </summary>
public static class ModelPullEndpoints
{
    public static IEndpointRouteBuilder MapModelPullEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/models/pull", (PullBody? body, ModelPullService pulls) =>
        {
            try
            {
                var status = pulls.Start(body?.Repo, body?.Revision, body?.Name);
                return Results.Accepted("/api/models/pulls", ToResponse(status));
            }
            catch (ModelPullException ex)
            {
                return Results.BadRequest(new { error = ex.Message });
            }
            catch (InvalidOperationException ex)
            {
                return Results.Conflict(new { error = ex.Message });
            }
        });
        endpoints.MapGet("/api/models/pulls", (ModelPullService pulls) =>
            Results.Ok(new { pulls = pulls.List().Select(ToResponse) }));
        return endpoints;
    }

    private static object ToResponse(ModelPullStatus status) => new
    {
        id = status.Id,
        repo = status.Repo,
        revision = status.Revision,
        name = status.Name,
        state = status.State.ToString().ToLowerInvariant(),
        file = status.Progress?.File,
        fileIndex = status.Progress?.FileIndex,
        fileCount = status.Progress?.FileCount,
        bytesDone = status.Progress?.BytesDone,
        bytesTotal = status.Progress?.BytesTotal,
        bytesPerSecond = status.Progress is { } p ? Math.Round(p.BytesPerSecond) : (double?)null,
        etaSeconds = status.Progress?.Eta is { } eta ? Math.Ceiling(eta.TotalSeconds) : (double?)null,
        error = status.Error,
        startedAt = status.StartedAt,
        finishedAt = status.FinishedAt,
    };

    /// <summary>The body of <c>POST /api/models/pull</c>.</summary>
    public sealed record PullBody(string? Repo, string? Revision, string? Name);
}
