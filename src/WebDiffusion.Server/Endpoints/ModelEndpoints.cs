using WebDiffusion.Core.Models;

namespace WebDiffusion.Server.Endpoints;

/// <summary><c>GET /api/models</c> and <c>POST /api/models/refresh</c>: the registry listing with descriptions and errors.</summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/models", async (ModelRegistry registry, CancellationToken ct) =>
            Results.Ok(ToResponse(await Task.Run(() => registry.Current, ct).ConfigureAwait(false))));
        endpoints.MapPost("/api/models/refresh", async (ModelRegistry registry, CancellationToken ct) =>
            Results.Ok(ToResponse(await Task.Run(() => registry.Refresh(ct), ct).ConfigureAwait(false))));
        return endpoints;
    }

    private static object ToResponse(ModelRegistrySnapshot snapshot) => new
    {
        models = snapshot.Models.Select(m => new
        {
            name = m.Name,
            folder = m.Folder,
            hash = m.Hash,
            components = m.Components,
            precision = m.Precision.ToWireName(),
            sdVersion = m.SdVersion.ToWireName(),
            predictionType = m.PredictionType.ToWireName(),
            inpainting = m.IsInpainting,
            error = m.Error,
        }),
        current = (string?)null,
        vae = Usable(snapshot.Vae),
        loras = Usable(snapshot.Loras),
        embeddings = Usable(snapshot.Embeddings),
    };

    private static string[] Usable(IReadOnlyList<AuxiliaryModelFile> files) => [.. files.Where(f => f.IsUsable).Select(f => f.Name)];
}
