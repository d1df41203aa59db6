using WebDiffusion.Core.Models;
using WebDiffusion.Server.SdApi;

namespace WebDiffusion.Server.Endpoints;

/// <summary>
/// <c>GET /api/models</c> and <c>POST /api/models/refresh</c>: the registry listing with descriptions and errors;
/// <c>POST /api/models/select</c> <c>{name}</c> sets the current model (null clears it).
/// </summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/models", async (ModelRegistry registry, CurrentModelSelection selection, CancellationToken ct) =>
            Results.Ok(ToResponse(await Task.Run(() => registry.Current, ct).ConfigureAwait(false), selection.Name)));
        endpoints.MapPost("/api/models/refresh", async (ModelRegistry registry, CurrentModelSelection selection, CancellationToken ct) =>
            Results.Ok(ToResponse(await Task.Run(() => registry.Refresh(ct), ct).ConfigureAwait(false), selection.Name)));
        endpoints.MapPost("/api/models/select", (ModelSelectRequest request, ModelRegistry registry, CurrentModelSelection selection) =>
        {
            if (request.Name is { } name)
            {
                var model = registry.Current.Find(name);
                if (model is null)
                {
                    return Results.NotFound(new { error = $"No model named '{name}'; POST /api/models/refresh rescans the folder." });
                }

                if (!model.IsUsable)
                {
                    return Results.UnprocessableEntity(new { error = $"{model.Name}: {model.Error}" });
                }
            }

            selection.Select(request.Name);
            return Results.Ok(new { current = selection.Name });
        });
        return endpoints;
    }

    private static object ToResponse(ModelRegistrySnapshot snapshot, string? current) => new
    {
        models = snapshot.Models.Select(m => new
        {
            name = m.Name,
            folder = m.Folder,
            hash = m.Hash,
            sha256 = m.Sha256,
            source = m.Source switch { ModelSourceKind.Checkpoint => "checkpoint", ModelSourceKind.DiffusersFolder => "diffusers", _ => "onnx" },
            components = m.Components,
            precision = m.Precision.ToWireName(),
            sdVersion = m.SdVersion.ToWireName(),
            predictionType = m.PredictionType.ToWireName(),
            latentScale = m.LatentScale,
            textHiddenSize = m.TextHiddenSize,
            inpainting = m.IsInpainting,
            error = m.Error,
        }),
        current,
        vae = Usable(snapshot.Vae),
        loras = Usable(snapshot.Loras),
        embeddings = Usable(snapshot.Embeddings),
    };

    private static string[] Usable(IReadOnlyList<AuxiliaryModelFile> files) => [.. files.Where(f => f.IsUsable).Select(f => f.Name)];
}
