using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.SdApi;

/// <summary><c>/sdapi/v1/progress</c>, <c>/interrupt</c>, <c>/skip</c> in A1111's shapes, over our running job.</summary>
public static class SdApiProgressEndpoints
{
    public static IEndpointRouteBuilder MapSdApiProgressEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/sdapi/v1/progress", (HttpContext context, LiveProgress live, JobStore store, RunningJobs running, bool? skip_current_image) =>
        {
            var snapshot = live.Current;
            var control = snapshot is null ? null : running.Get(snapshot.JobId);
            var owner = ClientIdentity.Owner(context);
            var mine = snapshot is not null && snapshot.Owner == owner;
            var counters = A1111ProgressState.From(snapshot);
            var fraction = counters.Progress;
            var elapsed = snapshot is null ? 0.0 : (DateTimeOffset.UtcNow - snapshot.StartedAt).TotalSeconds;
            return Results.Ok(new
            {
                progress = fraction,
                eta_relative = fraction > 0 ? (elapsed / fraction) - elapsed : 0.0,
                state = new
                {
                    skipped = control?.SkipRequested ?? false,
                    interrupted = control is { Interrupted: true } or { Cancelled: true },
                    stopping_generation = false,
                    job = snapshot is null ? string.Empty : $"task({snapshot.JobId})",
                    job_count = counters.JobCount,
                    job_timestamp = snapshot?.StartedAt.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) ?? "0",
                    job_no = counters.JobNo,
                    sampling_step = counters.SamplingStep,
                    sampling_steps = counters.SamplingSteps,
                    queued = store.CountQueued(),
                },
                current_image = mine && skip_current_image != true && snapshot!.PreviewPng is { } png ? Convert.ToBase64String(png) : null,
                textinfo = (string?)null,
            });
        });
        endpoints.MapPost("/sdapi/v1/interrupt", async (HttpContext context, LiveProgress live, JobService jobs) =>
        {
            if (live.Current is { } s && jobs.Find(s.JobId, ClientIdentity.Owner(context)) is { } job)
            {
                await jobs.InterruptAsync(job, context.RequestAborted).ConfigureAwait(false);
            }

            return Results.Ok(new { });
        });
        endpoints.MapPost("/sdapi/v1/skip", (HttpContext context, LiveProgress live, JobService jobs) =>
        {
            if (live.Current is { } s && jobs.Find(s.JobId, ClientIdentity.Owner(context)) is { } job)
            {
                jobs.Skip(job);
            }

            return Results.Ok(new { });
        });
        return endpoints;
    }
}
