using System.Globalization;
using System.Text.Json;
using WebDiffusion.Core.Generation;
using WebDiffusion.Server.Api;
using WebDiffusion.Server.Generation;
using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.Endpoints;

/// <summary>The native job API: submit, look up, list, cancel, interrupt, skip.</summary>
public static class JobEndpoints
{
    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/jobs");
        group.MapPost(string.Empty, SubmitAsync);
        group.MapGet(string.Empty, (HttpContext context, JobStore store, LiveProgress live, int? page, int? pageSize) =>
        {
            var p = Math.Max(1, page ?? 1);
            var size = Math.Clamp(pageSize ?? 20, 1, 100);
            var (items, total) = store.ListByOwner(ClientIdentity.Owner(context), p, size);
            return Results.Ok(new { items = items.Select(j => JobView.From(j, store, live, includeRequest: false)), total });
        });
        group.MapGet("/{id}", (string id, HttpContext context, JobService jobs, JobStore store, LiveProgress live) =>
            jobs.Find(id, ClientIdentity.Owner(context)) is { } job ? Results.Ok(JobView.From(job, store, live, includePreview: true)) : NoSuchJob());
        group.MapPost("/{id}/cancel", async (string id, HttpContext context, JobService jobs) =>
            jobs.Find(id, ClientIdentity.Owner(context)) is { } job ? (await jobs.CancelAsync(job, context.RequestAborted).ConfigureAwait(false) ? Results.NoContent() : NotActive()) : NoSuchJob());
        group.MapPost("/{id}/interrupt", async (string id, HttpContext context, JobService jobs) =>
            jobs.Find(id, ClientIdentity.Owner(context)) is { } job ? (await jobs.InterruptAsync(job, context.RequestAborted).ConfigureAwait(false) ? Results.NoContent() : NotActive()) : NoSuchJob());
        group.MapPost("/{id}/skip", (string id, HttpContext context, JobService jobs) =>
            jobs.Find(id, ClientIdentity.Owner(context)) is { } job ? (jobs.Skip(job) ? Results.NoContent() : NotActive()) : NoSuchJob());
        return endpoints;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, GenerationSubmission submission)
    {
        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body, RequestJson.Options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return Results.BadRequest(new { error = "The body is not valid JSON: " + ex.Message });
        }

        var modeText = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("mode", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "txt2img";
        if (modeText is not ("txt2img" or "img2img"))
        {
            return Results.BadRequest(new { errors = new Dictionary<string, string[]> { ["mode"] = ["mode must be \"txt2img\" or \"img2img\"."] } });
        }

        var mode = modeText == "img2img" ? GenerationMode.Img2Img : GenerationMode.Txt2Img;
        return await submission.SubmitAsync(ClientIdentity.Owner(context), body, mode, GenerationProfile.Native, context.RequestAborted).ConfigureAwait(false) switch
        {
            SubmissionOutcome.Accepted a => Results.Json(new { id = a.Job.Id, position = a.Position }, statusCode: StatusCodes.Status202Accepted),
            SubmissionOutcome.Invalid i => Results.BadRequest(new { errors = i.Errors }),
            SubmissionOutcome.QueueFull q => TooMany(context, q.Error),
            _ => throw new InvalidOperationException("Unknown submission outcome."),
        };
    }

    internal static IResult TooMany(HttpContext context, QueueFullException ex)
    {
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(ex.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status429TooManyRequests);
    }

    private static IResult NoSuchJob() => Results.NotFound(new { error = "No such job." });

    private static IResult NotActive() => Results.Conflict(new { error = "The job is not running or queued." });
}
