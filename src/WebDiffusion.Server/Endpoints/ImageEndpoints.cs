using WebDiffusion.Server.Jobs;
using WebDiffusion.Server.Security;

namespace WebDiffusion.Server.Endpoints;

/// <summary>The gallery: images served by id only, never by path.</summary>
public static class ImageEndpoints
{
    public static IEndpointRouteBuilder MapImageEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/images");
        group.MapGet(string.Empty, (HttpContext context, JobStore store, string? query, int? page, int? pageSize) =>
        {
            var p = Math.Max(1, page ?? 1);
            var size = Math.Clamp(pageSize ?? 50, 1, 200);
            var (items, total) = store.SearchImages(ClientIdentity.Owner(context), query, p, size);
            return Results.Ok(new
            {
                items = items.Select(i => new { id = i.Id, jobId = i.JobId, seed = i.Seed, width = i.Width, height = i.Height, prompt = i.Prompt, createdAt = i.CreatedAt, infotext = i.Infotext, kind = i.Kind }),
                total,
            });
        });
        group.MapGet("/{id}", (string id, HttpContext context, JobStore store, OutputWriter outputs) =>
        {
            var image = Find(id, context, store);
            var path = image is null ? null : outputs.Resolve(image.RelativePath);
            if (path is null || !File.Exists(path))
            {
                return Results.NotFound(new { error = "No such image." });
            }

            // Ids are random and never reused, so a stored picture never changes: the browser may keep it.
            context.Response.Headers.CacheControl = "private, max-age=86400, immutable";
            return Results.File(path, "image/png", enableRangeProcessing: false);
        });
        group.MapDelete("/{id}", (string id, HttpContext context, JobStore store, OutputWriter outputs) =>
        {
            var image = Find(id, context, store);
            if (image is null)
            {
                return Results.NotFound(new { error = "No such image." });
            }

            if (outputs.Resolve(image.RelativePath) is { } path && File.Exists(path))
            {
                File.Delete(path);
            }

            store.DeleteImage(image.Id);
            return Results.NoContent();
        });
        return endpoints;
    }

    private static ImageRecord? Find(string id, HttpContext context, JobStore store)
    {
        if (!JobService.IsWellFormedId(id))
        {
            return null;
        }

        var image = store.GetImage(id);
        return image is not null && image.Owner == ClientIdentity.Owner(context) ? image : null;
    }
}
